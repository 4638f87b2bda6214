"""2D PCK normalised by the person box, as an mmengine metric."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ...registry import METRICS
from ...structures.skeleton import JOINT_NAMES
from ..functional import group_indices, pck
from .base import WildposeMetric
from .fields import optional_str, require, to_numpy


@METRICS.register_module()
class PCKMetric(WildposeMetric):
    """Percentage of correct 2D keypoints, distance <= ``threshold`` x box size.

    Reads ``pred_keypoints`` (J, 2) and the ground truth ``keypoints`` (J, 2), both in
    image px, ``keypoints_visible`` (J,) and ``bbox_scale`` (2,) image px (the padded
    person box; its larger side is the normaliser). Reports in percent: ``pck`` over all
    visible joints of all samples, ``<group>/pck`` per value of ``group_by`` and, with
    ``per_joint`` (off by default; ``tools/test.py`` turns it on), ``joint/<joint
    name>/pck``.
    """

    units = {'pck': '%'}
    supports_per_joint = True

    def __init__(self, threshold: float = 0.05, group_by: str | None = 'domain',
                 per_joint: bool = False, collect_device: str = 'cpu',
                 prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.threshold = threshold
        self.group_by = group_by
        self.per_joint = per_joint

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        for ds in data_samples:
            self.results.append(dict(
                pred=to_numpy(require(ds, 'pred_keypoints', 'PCKMetric')),
                gt=to_numpy(require(ds, 'keypoints', 'PCKMetric')),
                mask=to_numpy(require(ds, 'keypoints_visible', 'PCKMetric')) > 0,
                norm=float(np.max(to_numpy(require(ds, 'bbox_scale', 'PCKMetric')))),
                group=optional_str(ds, self.group_by)))

    def compute_metrics(self, results: list) -> dict[str, float]:
        pred = np.stack([r['pred'] for r in results])
        gt = np.stack([r['gt'] for r in results])
        mask = np.stack([r['mask'] for r in results])
        norm = np.array([r['norm'] for r in results])
        per_joint, mean = pck(pred, gt, norm, self.threshold, mask)
        metrics = {'pck': 100.0 * mean}
        if self.group_by:
            for group, idx in group_indices([r['group'] for r in results]).items():
                if group:
                    metrics[f'{group}/pck'] = 100.0 * pck(pred[idx], gt[idx], norm[idx],
                                                          self.threshold, mask[idx])[1]
        if self.per_joint:
            for j, name in enumerate(JOINT_NAMES[:pred.shape[1]]):
                metrics[f'joint/{name}/pck'] = 100.0 * float(per_joint[j])
        return metrics
