"""Pack a transformed sample into the model's input tensor and a PoseSample."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform

from ...registry import TRANSFORMS
from ...structures import PoseSample
from ...structures.skeleton import flip_indices

#: results key -> PoseSample data field (tensors); missing keys are skipped
FIELD_MAP: dict[str, str] = {
    'heatmaps': 'gt_heatmaps',
    'heatmap_weights': 'gt_heatmap_weights',
    'keypoints_hm': 'gt_keypoints_hm',
    'keypoint_weights': 'gt_keypoint_weights',
    'keypoints_visible': 'gt_keypoints_visible',
    'depth_target': 'gt_depth',
    'depth_weights': 'gt_depth_weights',
}

DEFAULT_META_KEYS: tuple[str, ...] = (
    'img_path', 'img_id', 'sample_idx', 'domain', 'has_3d', 'action', 'subject', 'camera',
    'scene', 'head_size', 'flip', 'bbox_center', 'bbox_scale', 'bbox_rotation',
    'input_size', 'input_center', 'input_scale', 'heatmap_size', 'flip_indices',
    'keypoints', 'keypoints_visible', 'keypoints_3d', 'keypoints_3d_visible')


@TRANSFORMS.register_module()
class PackPoseInputs(BaseTransform):
    """Image to a (3, H, W) uint8 tensor; targets and meta to a :class:`PoseSample`.

    Required keys: img; targets (``FIELD_MAP``'s keys) and ``meta_keys`` when present
    Added keys: inputs (C, H, W) uint8 tensor, data_samples (PoseSample with float32
        tensor fields ``gt_*`` and the metainfo of ``meta_keys``; ``flip_indices``
        defaults to the skeleton's)

    Args:
        meta_keys: keys copied into the sample's metainfo (missing ones are left out).
    """

    def __init__(self, meta_keys: Sequence[str] = DEFAULT_META_KEYS) -> None:
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        if 'img' not in results:
            raise KeyError("PackPoseInputs needs 'img'")
        img = np.asarray(results['img'])
        if img.ndim == 2:
            img = img[..., None]
        inputs = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))
        sample = PoseSample()
        for key, field in FIELD_MAP.items():
            if key in results and results[key] is not None:
                sample.set_field(
                    torch.from_numpy(np.asarray(results[key], dtype=np.float32).copy()), field)
        meta = {}
        for key in self.meta_keys:
            if key in results and results[key] is not None:
                meta[key] = results[key]
        if 'flip_indices' in self.meta_keys and 'flip_indices' not in meta:
            meta['flip_indices'] = flip_indices()
        sample.set_metainfo(meta)
        return dict(inputs=inputs, data_samples=sample)

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(meta_keys={self.meta_keys})'
