"""The part shared by the 3D metrics: collecting predictions and ground truth, skipping
samples without 3D ground truth."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from mmengine.logging import MMLogger

from ..functional import root_align
from .base import WildposeMetric
from .fields import optional_str, require, to_numpy


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
