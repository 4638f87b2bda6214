"""2D PCK normalised by the person box, as an mmengine metric."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from ...registry import METRICS
from ..functional import pck
from .grouping import group_indices


@METRICS.register_module()
class PCKMetric(BaseMetric):
    """Percentage of correct 2D keypoints, distance <= ``threshold`` x box size.

    Reads ``pred_keypoints`` (J, 2) and the ground truth ``keypoints`` (J, 2), both in
    image px, ``keypoints_visible`` (J,) and ``bbox_scale`` (2,) image px (the padded
    person box; its larger side is the normaliser). Reports ``pck`` in percent overall
    and per value of ``group_by``.
    """

    default_prefix = ''

    def __init__(self, threshold: float = 0.05, group_by: str | None = 'domain',
                 collect_device: str = 'cpu', prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.threshold = threshold
        self.group_by = group_by

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        for ds in data_samples:
            self.results.append(dict(
                pred=np.asarray(ds['pred_keypoints'], dtype=np.float64),
                gt=np.asarray(ds['keypoints'], dtype=np.float64),
                mask=np.asarray(ds['keypoints_visible']) > 0,
                norm=float(np.max(ds['bbox_scale'])),
                group=str(ds.get(self.group_by, '')) if self.group_by else ''))

    def compute_metrics(self, results: list) -> dict[str, float]:
        pred = np.stack([r['pred'] for r in results])
        gt = np.stack([r['gt'] for r in results])
        mask = np.stack([r['mask'] for r in results])
        norm = np.array([r['norm'] for r in results])
        metrics = {'pck': 100.0 * pck(pred, gt, norm, self.threshold, mask)[1]}
        if self.group_by:
            for group, idx in group_indices([r['group'] for r in results]).items():
                metrics[f'{group}/pck'] = 100.0 * pck(pred[idx], gt[idx], norm[idx],
                                                      self.threshold, mask[idx])[1]
        return metrics
