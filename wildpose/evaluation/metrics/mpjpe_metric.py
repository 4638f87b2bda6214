"""MPJPE (Protocol 1) and PA-MPJPE (Protocol 2) in mm, as an mmengine metric."""
from __future__ import annotations

from typing import Any

import numpy as np

from ...registry import METRICS
from ...structures.skeleton import JOINT_NAMES, ROOT
from ..functional import grouped_means, joint_errors, mpjpe, nan_mean, procrustes_align
from .fields import optional_str
from .pose3d_base import Pose3DMetricBase


@METRICS.register_module()
class MPJPEMetric(Pose3DMetricBase):
    """Mean per-joint position error of root-relative 3D predictions, in mm.

    Reads ``pred_keypoints_3d`` (J, 3) mm and the ground truth ``keypoints_3d`` (J, 3)
    mm (camera frame) of each sample; both are aligned at ``root`` first (Protocol 1),
    and for ``pa_mpjpe`` the prediction is also aligned to the ground truth by the best
    similarity transform without reflection (Protocol 2). Samples without 3D ground
    truth are skipped (and counted in the log).

    Results (mm):

    - ``mpjpe``, ``pa_mpjpe``: mean over all frames;
    - ``<group>/mpjpe`` ...: per value of ``group_by`` (e.g. ``lab/mpjpe``);
    - with ``per_action``: ``action/<action>/mpjpe`` per Human3.6M action (from the
      sample's ``action`` metainfo) and ``mpjpe_action_mean``, the unweighted mean over
      actions (the "Avg" column of the Human3.6M literature); ``mpjpe`` stays the mean
      over all frames;
    - with ``per_joint``: ``joint/<joint name>/mpjpe`` over all frames.

    Args:
        group_by: metainfo key whose values split the report (``'domain'``), or None.
        per_action: also report per ``action`` and the mean over actions.
        per_joint: also report per joint (off by default to keep training logs short;
            ``tools/test.py`` turns it on for its report).
        root: joint aligned before Protocol 1 (pelvis).
    """

    units = {'mpjpe': 'mm', 'pa_mpjpe': 'mm'}
    supports_per_joint = True

    def __init__(self, group_by: str | None = 'domain', per_action: bool = False,
                 per_joint: bool = False, root: int = ROOT, collect_device: str = 'cpu',
                 prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.group_by = group_by
        self.per_action = per_action
        self.per_joint = per_joint
        self.root = root

    def _extra_fields(self, ds: dict) -> dict[str, Any]:
        return dict(action=optional_str(ds, 'action', 'unknown'))

    def compute_metrics(self, results: list) -> dict[str, float]:
        kept = self._kept_results(results)
        if not kept:
            return {}
        pred, gt, mask = self._root_aligned(kept)
        aligned = {'mpjpe': pred, 'pa_mpjpe': procrustes_align(pred, gt, mask)}
        # (N,) per frame, through the functional definitions (masked joints left out)
        values = {name: mpjpe(p, gt, mask) for name, p in aligned.items()}
        keys = [r['group'] for r in kept] if self.group_by else None
        metrics = grouped_means(values, keys)
        if self.per_action:
            actions = [r['action'] for r in kept]
            per_action = grouped_means(values, actions, prefix=lambda a: f'action/{a}/')
            for name in values:
                means = [v for k, v in per_action.items()
                         if k.startswith('action/') and k.endswith(f'/{name}')]
                metrics[f'{name}_action_mean'] = nan_mean(np.asarray(means))
            metrics.update({k: v for k, v in per_action.items() if k.startswith('action/')})
        if self.per_joint:
            for name, p in aligned.items():
                e = np.where(mask, joint_errors(p, gt), np.nan)
                for j, joint in enumerate(JOINT_NAMES[:e.shape[1]]):
                    if not (name == 'mpjpe' and j == self.root):  # 0 by construction
                        metrics[f'joint/{joint}/{name}'] = nan_mean(e[:, j])
        return metrics
