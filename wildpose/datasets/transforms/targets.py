"""Training targets through a keypoint codec (MMPose's ``GenerateTarget(encoder=...)``)."""
from __future__ import annotations

from typing import Any

import numpy as np
from mmcv.transforms import BaseTransform

from ...codecs import build_codec
from ...registry import TRANSFORMS


@TRANSFORMS.register_module()
class GenerateTarget(BaseTransform):
    """Encode the cropped joints (and depth) into the model's targets with a codec.

    Required keys: transformed_keypoints (J, 2) input px, keypoints_visible (J,),
        input_size (w, h), has_3d, transformed_depth (J,) input px (optional: no 3D)
    Added keys: the codec's ``encoded_keys`` (e.g. ``HeatmapDepthCodec``: heatmaps
        (J, h, w), heatmap_weights (J,), keypoints_hm (J, 2) heatmap px,
        keypoint_weights (J,), depth_target (J,), depth_weights (J,)), heatmap_size (w, h)

    Args:
        encoder: the codec config (``codec`` in the configs), or a codec.

    Raises:
        ValueError: the crop's size differs from the codec's ``input_size``.
    """

    def __init__(self, encoder: Any) -> None:
        self.encoder = build_codec(encoder)

    def transform(self, results: dict) -> dict:
        where = f"(sample img_path={results.get('img_path', '?')!r})"
        for key in ('transformed_keypoints', 'keypoints_visible', 'input_size'):
            if key not in results:
                raise KeyError(f"GenerateTarget needs '{key}' (run TopdownAffine first) {where}")
        if tuple(results['input_size']) != self.encoder.input_size:
            raise ValueError(f"GenerateTarget: the crop is {tuple(results['input_size'])} px "
                             f'but the codec expects input_size={self.encoder.input_size}: '
                             f'give TopdownAffine and the codec the same size {where}')
        depth = results.get('transformed_depth')
        results.update(self.encoder.encode(
            np.asarray(results['transformed_keypoints'], dtype=np.float32),
            results['keypoints_visible'], depth, bool(results.get('has_3d', False))))
        results['heatmap_size'] = self.encoder.heatmap_size
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(encoder={self.encoder!r})'
