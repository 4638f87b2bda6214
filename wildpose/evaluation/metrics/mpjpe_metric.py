"""MPJPE (Protocol 1) and PA-MPJPE (Protocol 2) in mm, as an mmengine metric."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from ...registry import METRICS
from ...structures.skeleton import JOINT_NAMES, ROOT
from ..functional import group_average, joint_errors, procrustes_align_masked, root_align
from .grouping import grouped_means, optional_str, require, to_numpy


@METRICS.register_module()
class MPJPEMetric(BaseMetric):
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

    default_prefix = ''

    def __init__(self, group_by: str | None = 'domain', per_action: bool = False,
                 per_joint: bool = False, root: int = ROOT, collect_device: str = 'cpu',
                 prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.group_by = group_by
        self.per_action = per_action
        self.per_joint = per_joint
        self.root = root

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        for ds in data_samples:
            gt = ds.get('keypoints_3d')
            if gt is None:
                self.results.append(None)
                continue
            self.results.append(dict(
                pred=to_numpy(require(ds, 'pred_keypoints_3d', 'MPJPEMetric')),
                gt=to_numpy(gt),
                group=optional_str(ds, self.group_by),
                action=optional_str(ds, 'action', 'unknown')))

    def compute_metrics(self, results: list) -> dict[str, float]:
        logger = MMLogger.get_current_instance()
        kept = [r for r in results if r is not None]
        if len(kept) < len(results):
            logger.info(f'MPJPEMetric: {len(results) - len(kept)} samples have no 3D ground '
                        'truth and are not counted')
        if not kept:
            logger.warning('MPJPEMetric: no sample with 3D ground truth')
            return {}
        pred = root_align(np.stack([r['pred'] for r in kept]), self.root)
        gt = root_align(np.stack([r['gt'] for r in kept]), self.root)
        errors = {'mpjpe': joint_errors(pred, gt),
                  'pa_mpjpe': joint_errors(procrustes_align_masked(pred, gt), gt)}
        values = {name: e.mean(axis=1) for name, e in errors.items()}  # (N,) per frame
        keys = [r['group'] for r in kept] if self.group_by else None
        metrics = grouped_means(values, keys)
        if self.per_action:
            actions = [r['action'] for r in kept]
            for name, v in values.items():
                per_action, over_actions, _ = group_average(v, actions)
                metrics.update({f'action/{a}/{name}': m for a, m in per_action.items()})
                metrics[f'{name}_action_mean'] = over_actions
        if self.per_joint:
            for name, e in errors.items():
                for j, joint in enumerate(JOINT_NAMES[:e.shape[1]]):
                    if not (name == 'mpjpe' and j == self.root):  # 0 by construction
                        metrics[f'joint/{joint}/{name}'] = float(e[:, j].mean())
        return metrics
