"""The 2D metrics (MMPose's ``keypoint_2d_metrics.py``): PCK normalised by the person
box, MPII's PCKh, and left/right confusion. The maths is in
:mod:`wildpose.evaluation.functional`."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from mmengine.logging import MMLogger

from ...registry import METRICS
from ...structures.skeleton import FLIP_PAIRS, JOINT_NAMES
from ..functional import left_right_confusion, pck, pckh, percent_of, scores_per_group
from ..joint_sets import MPII_PCKH_JOINTS
from .base import WildposeMetric, group_keys, optional_str, require, to_numpy


# ---- 2D PCK normalised by the person box, as an mmengine metric.

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
        metrics = scores_per_group(
            lambda idx: {'pck': 100.0 * pck(pred[idx], gt[idx], norm[idx], self.threshold,
                                            mask[idx])[1]},
            len(results), group_keys(results, self.group_by))
        if self.per_joint:
            per_joint = pck(pred, gt, norm, self.threshold, mask)[0]
            for j, name in enumerate(JOINT_NAMES[:pred.shape[1]]):
                metrics[f'joint/{name}/pck'] = 100.0 * float(per_joint[j])
        return metrics

# ---- MPII PCKh (head-size normalised 2D accuracy), as an mmengine metric.

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
        metrics = scores_per_group(
            lambda idx: {'pckh': 100.0 * pckh(pred[idx], gt[idx], head[idx], self.threshold,
                                              mask[idx], self.joints)[1]},
            len(kept), group_keys(kept, self.group_by))
        if self.per_joint:
            per_joint = pckh(pred, gt, head, self.threshold, mask, self.joints)[0]
            for j, name in enumerate(JOINT_NAMES[:pred.shape[1]]):
                metrics[f'joint/{name}/pckh'] = 100.0 * float(per_joint[j])
        return metrics

# ---- Left/right confusion of the 2D predictions, as an mmengine metric.

@METRICS.register_module()
class LeftRightMetric(WildposeMetric):
    """Share of visible limb joints predicted nearer the other side's ground truth.

    Reads ``pred_keypoints`` (J, 2) and ``keypoints`` (J, 2), image px, and
    ``keypoints_visible`` (J,). A limb joint counts when it and its mirror joint are
    visible; it is confused when its prediction is nearer the mirror joint's ground truth
    than its own (:func:`~wildpose.evaluation.functional.left_right_confusion`). Chance
    level, a model that cannot tell left from right, is about 50 %.

    Results, in percent: ``lr_confusion`` over all counted joints and
    ``<group>/lr_confusion`` per value of ``group_by`` (e.g. ``wild/lr_confusion``).

    Args:
        group_by: metainfo key whose values split the report, or None.
        flip_pairs: (left, right) joint pairs; default the 16-joint skeleton's.
    """

    units = {'lr_confusion': '%'}

    def __init__(self, group_by: str | None = 'domain',
                 flip_pairs: Sequence[Sequence[int]] | None = None,
                 collect_device: str = 'cpu', prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.group_by = group_by
        self.flip_pairs = tuple((int(a), int(b)) for a, b in (flip_pairs or FLIP_PAIRS))

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        name = type(self).__name__
        for ds in data_samples:
            self.results.append(dict(
                pred=to_numpy(require(ds, 'pred_keypoints', name)),
                gt=to_numpy(require(ds, 'keypoints', name)),
                mask=to_numpy(require(ds, 'keypoints_visible', name)) > 0,
                group=optional_str(ds, self.group_by)))

    def compute_metrics(self, results: list) -> dict[str, float]:
        if not results:
            return {}
        confused, counted = left_right_confusion(
            np.stack([r['pred'] for r in results]), np.stack([r['gt'] for r in results]),
            self.flip_pairs, np.stack([r['mask'] for r in results]))
        return scores_per_group(
            lambda idx: {'lr_confusion': percent_of(confused[idx], counted[idx])},
            len(results), group_keys(results, self.group_by))
