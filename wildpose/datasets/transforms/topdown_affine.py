"""Crop the person box out of the image into the network's input (affine warp)."""
from __future__ import annotations

from typing import Sequence

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from ...geometry.affine import fix_aspect_ratio, get_warp_matrix, transform_points
from ...registry import TRANSFORMS


@TRANSFORMS.register_module()
class TopdownAffine(BaseTransform):
    """Warp the (rotated) box onto an ``input_size`` crop, bilinear, black borders.

    The box is first grown to the input's aspect ratio. Keypoints follow the warp; depth
    follows its scale (``input_w / input_scale_w``). ``keypoints_visible`` is unchanged:
    :class:`GenerateTarget` (its codec) decides which joints get a target.

    Required keys: img, bbox_center, bbox_scale, bbox_rotation (optional, default 0),
        keypoints and keypoints_depth (each optional)
    Added keys: img (input crop, (h, w, 3)), img_shape, input_size (w, h),
        input_center (2,) and input_scale (2,) image px (the aspect-fixed box used),
        bbox_rotation, transformed_keypoints (J, 2) input px, transformed_depth (J,) input px

    Args:
        input_size: (w, h) of the crop in px.
    """

    def __init__(self, input_size: Sequence[int]) -> None:
        if len(input_size) != 2 or min(input_size) <= 0:
            raise ValueError(f'input_size must be (w, h) > 0, got {input_size}')
        self.input_size = (int(input_size[0]), int(input_size[1]))

    def transform(self, results: dict) -> dict:
        for key in ('img', 'bbox_center', 'bbox_scale'):
            if key not in results:
                raise KeyError(f"TopdownAffine needs '{key}' (sample img_path="
                               f"{results.get('img_path', '?')!r})")
        w, h = self.input_size
        center = np.asarray(results['bbox_center'], dtype=np.float32).reshape(2)
        scale = fix_aspect_ratio(np.asarray(results['bbox_scale']).reshape(2), w / h)
        rot = float(results.get('bbox_rotation', 0.0))
        mat = get_warp_matrix(center, scale, rot, (w, h))
        results['img'] = cv2.warpAffine(results['img'], mat, (w, h), flags=cv2.INTER_LINEAR,
                                        borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        results['img_shape'] = (h, w)
        results['input_size'] = (w, h)
        results['input_center'] = center
        results['input_scale'] = scale
        results['bbox_rotation'] = rot
        if 'keypoints' in results:
            kpts = np.asarray(results['keypoints'], dtype=np.float32)
            results['transformed_keypoints'] = transform_points(kpts, mat).astype(np.float32)
        if 'keypoints_depth' in results:
            results['transformed_depth'] = (np.asarray(results['keypoints_depth'],
                                                       dtype=np.float32)
                                            * np.float32(w / scale[0]))
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(input_size={self.input_size})'
