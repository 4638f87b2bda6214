"""The 3D metrics (MMPose's ``keypoint_3d_metrics.py``): the base that collects root-aligned
3D predictions and ground truth, MPJPE / PA-MPJPE, MPI-INF-3DHP's 3DPCK / AUC and the
share of bones ordered wrongly in depth. The maths is in
:mod:`wildpose.evaluation.functional`."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from mmengine.logging import MMLogger

from ...registry import METRICS
from ...structures.skeleton import BONES, JOINT_NAMES, ROOT
from ..functional import (AUC_THRESHOLDS_MM, auc_3d, bone_depth_order_errors, grouped_means,
                          joint_errors, mpjpe, nan_mean, pck_3d, percent_of, procrustes_align,
                          root_align, scores_per_group)
from ..joint_sets import MPI_INF_3DHP_JOINTS
from .base import WildposeMetric, group_keys, optional_str, require, to_numpy


# ---- The part shared by the 3D metrics: collecting predictions and ground truth,
# skipping samples without 3D ground truth.

class Pose3DMetricBase(WildposeMetric):
    """Base of the metrics on root-relative 3D poses (not registered itself).

    :meth:`process` stores, per sample, ``pred`` (``pred_keypoints_3d``, (J, 3) mm),
    ``gt`` (``keypoints_3d``, (J, 3) mm, camera frame), ``mask`` (``keypoints_3d_visible``
    (J,) > 0: the joints with a 3D label; all joints when the sample has no such field),
    ``group`` (the metainfo value of ``self.group_by``, '' when unset) and the fields of
    :meth:`_extra_fields`; a
    sample without ``keypoints_3d`` is stored as None and left out by
    :meth:`_kept_results`, which logs how many were.

    Subclasses set ``self.group_by`` (str or None) and ``self.root`` (joint index).
    """

    group_by: str | None
    root: int

    def _extra_fields(self, ds: dict) -> dict[str, Any]:
        """Fields a subclass keeps per sample besides pred, gt and group."""
        return {}

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        name = type(self).__name__
        for ds in data_samples:
            gt = ds.get('keypoints_3d')
            if gt is None:
                self.results.append(None)
                continue
            gt = to_numpy(gt)
            visible = ds.get('keypoints_3d_visible')
            self.results.append(dict(
                pred=to_numpy(require(ds, 'pred_keypoints_3d', name)), gt=gt,
                mask=(np.ones(gt.shape[0], bool) if visible is None
                      else to_numpy(visible) > 0),
                group=optional_str(ds, self.group_by), **self._extra_fields(ds)))

    def _kept_results(self, results: list) -> list[dict]:
        """The results of the samples with 3D ground truth; logs how many had none, and
        warns when none is left."""
        name = type(self).__name__
        logger = MMLogger.get_current_instance()
        kept = [r for r in results if r is not None]
        if len(kept) < len(results):
            logger.info(f'{name}: {len(results) - len(kept)} samples have no 3D ground '
                        'truth and are not counted')
        if not kept:
            logger.warning(f'{name}: no sample with 3D ground truth')
        return kept

    def _root_aligned(self, kept: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Predictions and ground truth of ``kept``, each (N, J, 3) mm, relative to
        joint ``self.root``, and the (N, J) mask of the joints that count."""
        return (root_align(np.stack([r['pred'] for r in kept]), self.root),
                root_align(np.stack([r['gt'] for r in kept]), self.root),
                np.stack([r['mask'] for r in kept]))

# ---- MPJPE (Protocol 1) and PA-MPJPE (Protocol 2) in mm, as an mmengine metric.

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
        metrics = grouped_means(values, group_keys(kept, self.group_by))
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

# ---- MPI-INF-3DHP 3DPCK and AUC, per scene type, as an mmengine metric.

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

        def scores(idx: np.ndarray) -> dict[str, float]:
            return dict(zip(('3dpck', '3dpck_auc'), self._scores(pred[idx], gt[idx], mask[idx])))

        metrics = scores_per_group(scores, len(kept), [r['scene'] for r in kept],
                                   prefix=lambda s: f'scene/{s}/')
        scenes = [s for s in dict.fromkeys(r['scene'] for r in kept) if s]
        if scenes:
            for name in ('3dpck', '3dpck_auc'):
                metrics[f'{name}_scene_mean'] = float(np.mean(
                    [metrics[f'scene/{s}/{name}'] for s in scenes]))
        metrics.update(scores_per_group(scores, len(kept), group_keys(kept, self.group_by)))
        per_joint = pck_3d(pred, gt, self.threshold, mask)[0]
        for k, j in enumerate(self.joints if self.per_joint else ()):
            metrics[f'joint/{JOINT_NAMES[j]}/3dpck'] = 100.0 * float(per_joint[k])
        return metrics

# ---- Depth order of the bones, in percent, as an mmengine metric.

@METRICS.register_module()
class DepthOrderMetric(Pose3DMetricBase):
    """Share of bones whose predicted direction in depth is the wrong one.

    Reads ``pred_keypoints_3d`` and ``keypoints_3d`` (J, 3) in mm, camera frame. A bone
    counts when its ground-truth end points differ by at least ``min_depth_gap`` mm in
    depth; it is wrong when the prediction puts the other end nearer the camera
    (:func:`~wildpose.evaluation.functional.bone_depth_order_errors`). This is the error
    that a single image leaves most open (a limb turned towards or away from the camera
    projects to the same 2D segment) and that bone-length constraints cannot see; 50 %
    is chance. Samples without 3D ground truth are skipped.

    Results, in percent: ``depth_order_error`` over all counted bones and
    ``<group>/depth_order_error`` per value of ``group_by``.

    Args:
        group_by: metainfo key whose values split the report, or None.
        min_depth_gap: smallest ground-truth depth difference of a counted bone, mm.
        bones: (parent, child) joint pairs; default the 16-joint skeleton's 14 bones.
    """

    units = {'depth_order_error': '%'}

    def __init__(self, group_by: str | None = 'domain', min_depth_gap: float = 100.0,
                 bones: Sequence[Sequence[int]] | None = None,
                 collect_device: str = 'cpu', prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if min_depth_gap < 0:
            raise ValueError(f'DepthOrderMetric: min_depth_gap must be >= 0 mm, got '
                             f'{min_depth_gap}')
        self.group_by = group_by
        self.min_depth_gap = float(min_depth_gap)
        self.bones = tuple((int(a), int(b)) for a, b in (bones or BONES))
        self.root = ROOT  # only depth differences count, so any root gives the same result

    def compute_metrics(self, results: list) -> dict[str, float]:
        kept = self._kept_results(results)
        if not kept:
            return {}
        pred, gt, mask = self._root_aligned(kept)
        wrong, counted = bone_depth_order_errors(pred, gt, self.bones, self.min_depth_gap, mask)
        return scores_per_group(
            lambda idx: {'depth_order_error': percent_of(wrong[idx], counted[idx])},
            len(kept), group_keys(kept, self.group_by))
