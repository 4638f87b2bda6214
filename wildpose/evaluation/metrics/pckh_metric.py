"""MPII PCKh (head-size normalised 2D accuracy), as an mmengine metric."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from mmengine.logging import MMLogger

from ...registry import METRICS
from ...structures.skeleton import JOINT_NAMES
from ..functional import group_indices, pckh
from ..joint_sets import MPII_PCKH_JOINTS
from .base import WildposeMetric
from .fields import optional_str, require, to_numpy


@METRICS.register_module()
class PCKhMetric(WildposeMetric):
    """PCKh@``threshold``: a joint is correct within ``threshold`` x the head size.

    Reads ``pred_keypoints`` (J, 2) and ``keypoints`` (J, 2) in image px,
    ``keypoints_visible`` (J,) and the head size, a scalar in image px, from the
    metainfo key ``head_size_key`` (default ``'head_size'``; for MPII it is 0.6 x the
    diagonal of the annotated head box, as in the official evaluation). Samples without
    a head size are skipped and counted in the log.

    Results in percent: ``pckh`` over the visible joints of ``joints`` (default: MPII's
    convention, all but pelvis and thorax), ``joint/<joint name>/pckh`` for every joint
    (with ``per_joint``; off by default, ``tools/test.py`` turns it on) and, with
    ``group_by``, ``<group>/pckh``.
    """

    units = {'pckh': '%'}
    supports_per_joint = True

    def __init__(self, threshold: float = 0.5, head_size_key: str = 'head_size',
                 joints: Sequence[int] = MPII_PCKH_JOINTS, group_by: str | None = None,
                 per_joint: bool = False, collect_device: str = 'cpu',
                 prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.threshold = threshold
        self.head_size_key = head_size_key
        self.joints = tuple(joints)
        self.group_by = group_by
        self.per_joint = per_joint

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        for ds in data_samples:
            head = ds.get(self.head_size_key)
            head = float(to_numpy(head)) if head is not None else float('nan')
            if not np.isfinite(head) or head <= 0:
                self.results.append(None)
                continue
            self.results.append(dict(
                pred=to_numpy(require(ds, 'pred_keypoints', 'PCKhMetric')),
                gt=to_numpy(require(ds, 'keypoints', 'PCKhMetric')),
                mask=to_numpy(require(ds, 'keypoints_visible', 'PCKhMetric')) > 0,
                head=head, group=optional_str(ds, self.group_by)))

    def compute_metrics(self, results: list) -> dict[str, float]:
        logger = MMLogger.get_current_instance()
        kept = [r for r in results if r is not None]
        if len(kept) < len(results):
            logger.info(f"PCKhMetric: {len(results) - len(kept)} samples have no "
                        f"'{self.head_size_key}' and are not counted")
        if not kept:
            logger.warning(f"PCKhMetric: no sample has a '{self.head_size_key}'")
            return {}
        pred = np.stack([r['pred'] for r in kept])
        gt = np.stack([r['gt'] for r in kept])
        mask = np.stack([r['mask'] for r in kept])
        head = np.array([r['head'] for r in kept])
        per_joint, mean = pckh(pred, gt, head, self.threshold, mask, self.joints)
        metrics = {'pckh': 100.0 * mean}
        for j, name in enumerate(JOINT_NAMES[:pred.shape[1]] if self.per_joint else ()):
            metrics[f'joint/{name}/pckh'] = 100.0 * float(per_joint[j])
        if self.group_by:
            for group, idx in group_indices([r['group'] for r in kept]).items():
                if group:
                    metrics[f'{group}/pckh'] = 100.0 * pckh(
                        pred[idx], gt[idx], head[idx], self.threshold, mask[idx],
                        self.joints)[1]
        return metrics
