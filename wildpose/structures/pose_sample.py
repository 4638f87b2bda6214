"""The data structure that carries one sample between pipeline, model and metric."""
from __future__ import annotations

from mmengine.structures import BaseDataElement


class PoseSample(BaseDataElement):
    """One person crop with its targets (training) or predictions (inference).

    Metainfo (set by :class:`~wildpose.datasets.transforms.PackPoseInputs`):
        ``img_path``, ``sample_idx``, ``domain`` ('lab' / 'wild' / ...), ``has_3d`` (bool),
        ``bbox_center`` (2,) and ``bbox_scale`` (2,) in image pixels, ``bbox_rotation``
        (degrees), ``input_size`` (w, h), ``heatmap_size`` (w, h), ``flip_indices``,
        and, for evaluation, ``keypoints`` (J, 2) image pixels, ``keypoints_visible`` (J,),
        ``keypoints_3d`` (J, 3) camera frame in mm (only where 3D labels exist and the
        split is a test split) and ``action``.

    Data fields (tensors, training only):
        ``gt_heatmaps`` (J, h, w), ``gt_heatmap_weights`` (J,), ``gt_keypoints_hm``
        (J, 2) in heatmap pixels, ``gt_keypoints_visible`` (J,), ``gt_depth`` (J,)
        normalised root-relative depth (see :mod:`wildpose.geometry.depth`).

    Prediction fields (numpy, set by the estimator in ``predict`` mode):
        ``pred_keypoints`` (J, 2) image pixels, ``pred_scores`` (J,),
        ``pred_keypoints_3d`` (J, 3) root-relative, in mm.
    """
