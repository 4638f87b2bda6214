"""MPI-INF-3DHP 3DPCK and AUC, per scene type, as an mmengine metric."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ...registry import METRICS
from ...structures.skeleton import JOINT_NAMES, ROOT
from ..functional import AUC_THRESHOLDS_MM, auc_3d, group_indices, pck_3d
from ..joint_sets import MPI_INF_3DHP_JOINTS
from .fields import optional_str
from .pose3d_base import Pose3DMetricBase


@METRICS.register_module()
class PCK3DMetric(Pose3DMetricBase):
    """3D percentage of correct keypoints (3DPCK) and its area under the curve (AUC).

    Reads ``pred_keypoints_3d`` and ``keypoints_3d`` (J, 3) in mm, aligns both at
    ``root`` and evaluates the joints ``joints`` (default: MPI-INF-3DHP's standard 14, see
    :mod:`wildpose.evaluation.joint_sets`). Samples without 3D ground truth are skipped.

    Results in percent:

    - ``3dpck`` (error <= ``threshold`` mm) and ``3dpck_auc`` (mean 3DPCK over
      ``auc_thresholds``, 0..150 mm in 5 mm steps), pooled over all frames;
    - ``scene/<scene>/3dpck`` and ``scene/<scene>/3dpck_auc`` per value of the metainfo
      key ``scene_key`` (MPI-INF-3DHP: 'GS' green screen, 'noGS', 'Outdoor'), and
      ``3dpck_scene_mean`` / ``3dpck_auc_scene_mean``, the unweighted mean over scenes;
    - with ``per_joint`` (off by default; ``tools/test.py`` turns it on),
      ``joint/<joint name>/3dpck`` per evaluated joint;
    - ``<group>/3dpck`` ... per value of ``group_by`` when given.
    """

    units = {'3dpck': '%', '3dpck_auc': '%'}
    supports_per_joint = True

    def __init__(self, threshold: float = 150.0,
                 auc_thresholds: Sequence[float] = tuple(AUC_THRESHOLDS_MM),
                 joints: Sequence[int] = MPI_INF_3DHP_JOINTS, scene_key: str = 'scene',
                 group_by: str | None = None, per_joint: bool = False, root: int = ROOT,
                 collect_device: str = 'cpu', prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.threshold = float(threshold)
        self.auc_thresholds = np.asarray(auc_thresholds, dtype=np.float64)
        self.joints = list(joints)
        self.scene_key = scene_key
        self.group_by = group_by
        self.per_joint = per_joint
        self.root = root

    def _extra_fields(self, ds: dict) -> dict[str, Any]:
        return dict(scene=optional_str(ds, self.scene_key))

    def _scores(self, pred: np.ndarray, gt: np.ndarray, mask: np.ndarray
                ) -> tuple[float, float]:
        return (100.0 * pck_3d(pred, gt, self.threshold, mask)[1],
                100.0 * auc_3d(pred, gt, self.auc_thresholds, mask))

    def compute_metrics(self, results: list) -> dict[str, float]:
        kept = self._kept_results(results)
        if not kept:
            return {}
        pred, gt, mask = (a[:, self.joints] for a in self._root_aligned(kept))
        metrics: dict[str, float] = {}
        metrics['3dpck'], metrics['3dpck_auc'] = self._scores(pred, gt, mask)
        scenes = [(s, idx) for s, idx in group_indices([r['scene'] for r in kept]).items()
                  if s]
        for scene, idx in scenes:
            metrics[f'scene/{scene}/3dpck'], metrics[f'scene/{scene}/3dpck_auc'] = \
                self._scores(pred[idx], gt[idx], mask[idx])
        if scenes:
            for name in ('3dpck', '3dpck_auc'):
                metrics[f'{name}_scene_mean'] = float(np.mean(
                    [metrics[f'scene/{s}/{name}'] for s, _ in scenes]))
        if self.group_by:
            for group, idx in group_indices([r['group'] for r in kept]).items():
                if group:
                    metrics[f'{group}/3dpck'], metrics[f'{group}/3dpck_auc'] = \
                        self._scores(pred[idx], gt[idx], mask[idx])
        per_joint = pck_3d(pred, gt, self.threshold, mask)[0]
        for k, j in enumerate(self.joints if self.per_joint else ()):
            metrics[f'joint/{JOINT_NAMES[j]}/3dpck'] = 100.0 * float(per_joint[k])
        return metrics
