"""The transforms shared by every pipeline, in the order they run (MMPose's
``common_transforms.py``): the person box and its random scale / rotation, depth labels,
mirroring, colour gain and the training targets. The crop itself is
:mod:`.topdown_affine`; reading and packing are :mod:`.loading` and :mod:`.formatting`.
"""
from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from ...codecs import build_codec
from ...geometry.depth import root_relative_depth
from ...registry import TRANSFORMS
from ...structures.skeleton import BONES, ROOT
from ...structures.skeleton import flip_indices as skeleton_flip_indices
from ..sample_checks import SampleError


# ---- Person box: from x1 y1 x2 y2 to centre / size, and its random scale / rotation.

def _where(results: dict) -> str:
    return f" (sample img_path={results.get('img_path', '?')!r})"


@TRANSFORMS.register_module()
class GetBBoxCenterScale(BaseTransform):
    """Box centre and padded size.

    Required keys: bbox (4,) x1 y1 x2 y2, image px
    Added keys: bbox_center (2,) image px, bbox_scale (2,) (w, h) image px, padded

    The aspect ratio is left as is; :class:`TopdownAffine` grows the box to the input's.

    Args:
        padding: factor applied to the box's width and height.
    """

    def __init__(self, padding: float = 1.25) -> None:
        if padding <= 0:
            raise ValueError(f'padding must be > 0, got {padding}')
        self.padding = float(padding)

    def transform(self, results: dict) -> dict:
        if 'bbox' not in results:
            raise KeyError("GetBBoxCenterScale needs 'bbox'" + _where(results))
        bbox = np.asarray(results['bbox'], dtype=np.float32).reshape(-1)
        if bbox.shape != (4,) or not np.all(np.isfinite(bbox)):
            raise SampleError(f"field 'bbox' must be 4 finite numbers x1 y1 x2 y2, got "
                              f'{bbox.tolist()}' + _where(results))
        x1, y1, x2, y2 = bbox
        if x2 <= x1 or y2 <= y1:
            raise SampleError(f"field 'bbox' is empty (x1 y1 x2 y2 = {bbox.tolist()})"
                              + _where(results))
        results['bbox_center'] = np.array([(x1 + x2) / 2, (y1 + y2) / 2], dtype=np.float32)
        results['bbox_scale'] = np.array([x2 - x1, y2 - y1], dtype=np.float32) * self.padding
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(padding={self.padding})'


@TRANSFORMS.register_module()
class RandomBBoxTransform(BaseTransform):
    """Random box scaling and rotation (augmentation), drawn from numpy's global RNG
    (seeded by mmengine per worker, so runs are reproducible).

    Required keys: bbox_scale
    Added keys: bbox_scale (modified), bbox_rotation (degrees)

    Args:
        scale_factor: the size is multiplied by ``2 ** clip(N(0, scale_factor), -0.5, 0.5)``.
        rotate_factor: rotation ``clip(N(0, rotate_factor), -2 rf, 2 rf)`` degrees...
        rotate_prob: ...applied with this probability (else 0).
    """

    def __init__(self, scale_factor: float = 0.25, rotate_factor: float = 30.0,
                 rotate_prob: float = 0.4) -> None:
        if scale_factor < 0 or rotate_factor < 0 or not 0 <= rotate_prob <= 1:
            raise ValueError('scale_factor and rotate_factor must be >= 0 and rotate_prob in '
                             f'[0, 1]; got {scale_factor}, {rotate_factor}, {rotate_prob}')
        self.scale_factor = float(scale_factor)
        self.rotate_factor = float(rotate_factor)
        self.rotate_prob = float(rotate_prob)

    def transform(self, results: dict) -> dict:
        if 'bbox_scale' not in results:
            raise KeyError("RandomBBoxTransform needs 'bbox_scale' (run GetBBoxCenterScale "
                           'first)' + _where(results))
        s = np.clip(np.random.normal(0.0, 1.0) * self.scale_factor, -0.5, 0.5)
        rot = 0.0
        if np.random.rand() < self.rotate_prob:
            rot = float(np.clip(np.random.normal(0.0, 1.0) * self.rotate_factor,
                                -2 * self.rotate_factor, 2 * self.rotate_factor))
        results['bbox_scale'] = (np.asarray(results['bbox_scale'], dtype=np.float32)
                                 * np.float32(2.0 ** s))
        results['bbox_rotation'] = rot
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(scale_factor={self.scale_factor}, '
                f'rotate_factor={self.rotate_factor}, rotate_prob={self.rotate_prob})')

# ---- Root-relative depth labels in image px (conventions: wildpose/geometry/depth.py)

@TRANSFORMS.register_module()
class DepthFromPose3D(BaseTransform):
    """Depth of each joint relative to the root, in the 2D joints' image px.

    Required keys: keypoints (J, 2) image px, has_3d, keypoints_3d (J, 3) mm if has_3d,
        keypoints_visible (optional: only bones between labelled joints set the scale)
    Added keys: keypoints_depth (J,) float32 image px; zeros without 3D labels
    """

    def transform(self, results: dict) -> dict:
        where = f" (sample img_path={results.get('img_path', '?')!r})"
        if 'keypoints' not in results:
            raise KeyError("DepthFromPose3D needs 'keypoints'" + where)
        kpts = np.asarray(results['keypoints'], dtype=np.float32)
        num = kpts.shape[0]
        kpts3d = results.get('keypoints_3d')
        if not results.get('has_3d', False) or kpts3d is None:
            results['keypoints_depth'] = np.zeros(num, dtype=np.float32)
            return results
        kpts3d = np.asarray(kpts3d, dtype=np.float32)
        if kpts3d.shape != (num, 3):
            raise ValueError(f"field 'keypoints_3d' must be ({num}, 3) to match 'keypoints', "
                             f'got {kpts3d.shape}' + where)
        try:
            results['keypoints_depth'] = root_relative_depth(
                kpts, kpts3d, ROOT, BONES, results.get('keypoints_visible'))
        except ValueError as err:
            raise SampleError(f"fields 'keypoints'/'keypoints_3d': {err}" + where) from err
        return results

# ---- Random horizontal flip of the image and every label that lives in it.

@TRANSFORMS.register_module()
class RandomMirror(BaseTransform):
    """Mirror the image left-right with probability ``prob`` (numpy's global RNG).

    x -> W - 1 - x for keypoints, bbox_center and bbox (image px); per-joint labels are
    permuted by ``flip_indices`` so that the left joint's values move to the right joint
    (depth keeps its sign); ``keypoints_3d`` gets X negated and is permuted (an exact
    mirror when the principal point is at the image's centre column). The permutation
    travels with the sample (``flip_indices``, packed into the metainfo), so that the
    flip test uses the same one.

    Required keys: img, keypoints, keypoints_visible, bbox_center; keypoints_depth,
        keypoints_3d and bbox are flipped when present
    Added keys: flip (bool), flip_indices (J,), and the keys above modified

    Args:
        prob: probability of a flip.
        flip_indices: the joint permutation of a mirror image; default the 16-joint
            skeleton's (``skeleton.flip_indices()``).
    """

    def __init__(self, prob: float = 0.5, flip_indices: list[int] | None = None) -> None:
        if not 0 <= prob <= 1:
            raise ValueError(f'prob must be in [0, 1], got {prob}')
        self.prob = float(prob)
        perm = list(flip_indices) if flip_indices is not None else skeleton_flip_indices()
        if sorted(perm) != list(range(len(perm))):
            raise ValueError(f'flip_indices must be a permutation of 0..J-1, got {perm}')
        self.flip_indices = perm

    def transform(self, results: dict) -> dict:
        do_flip = bool(np.random.rand() < self.prob)
        results['flip'] = do_flip
        results['flip_indices'] = self.flip_indices
        if do_flip:
            mirror_results(results, self.flip_indices)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(prob={self.prob})'


def mirror_results(results: dict, perm: list[int] | None = None) -> None:
    """Mirror ``results`` in place (deterministic; see :class:`RandomMirror`); ``perm`` is
    the joint permutation (default the skeleton's)."""
    if 'img' not in results:
        raise KeyError("RandomMirror needs 'img' (run LoadImage first)")
    img = results['img']
    width = img.shape[1]
    results['img'] = np.ascontiguousarray(img[:, ::-1])
    perm = skeleton_flip_indices() if perm is None else list(perm)
    if 'keypoints' in results:
        kpts = np.array(results['keypoints'], dtype=np.float32)
        if kpts.shape[0] != len(perm):
            raise ValueError(f"field 'keypoints' has {kpts.shape[0]} joints; the skeleton's "
                             f'flip needs {len(perm)}')
        kpts[:, 0] = width - 1 - kpts[:, 0]
        results['keypoints'] = kpts[perm]
    for key in ('keypoints_visible', 'keypoints_depth'):
        if key in results:
            results[key] = np.asarray(results[key])[perm].copy()
    if results.get('keypoints_3d') is not None:
        k3 = np.array(results['keypoints_3d'], dtype=np.float32)
        k3[:, 0] = -k3[:, 0]
        results['keypoints_3d'] = k3[perm]
    if 'bbox_center' in results:
        c = np.array(results['bbox_center'], dtype=np.float32)
        c[0] = width - 1 - c[0]
        results['bbox_center'] = c
    if 'bbox' in results:
        b = np.array(results['bbox'], dtype=np.float32)
        results['bbox'] = np.array([width - 1 - b[2], b[1], width - 1 - b[0], b[3]],
                                   dtype=np.float32)
    return results

# ---- Photometric augmentation.

@TRANSFORMS.register_module()
class RandomChannelGain(BaseTransform):
    """Multiply each colour channel by its own gain ~ U(low, high) (numpy's global RNG),
    clipped to [0, 255] and rounded to the nearest integer. Applied as a 256-entry lookup
    table per channel (the same values as multiplying every pixel, several times faster).

    Required keys: img (H, W, C) uint8
    Added keys: img (modified, uint8)
    """

    def __init__(self, low: float = 0.6, high: float = 1.4) -> None:
        if not 0 <= low <= high:
            raise ValueError(f'need 0 <= low <= high, got low={low}, high={high}')
        self.low, self.high = float(low), float(high)

    def transform(self, results: dict) -> dict:
        img = results['img']
        if img.dtype != np.uint8 or img.ndim not in (2, 3):
            raise TypeError(f'RandomChannelGain needs an (H, W[, C]) uint8 img, got '
                            f'{img.dtype} of shape {img.shape}')
        channels = img.shape[2] if img.ndim == 3 else 1
        gains = np.random.uniform(self.low, self.high, size=channels).astype(np.float32)
        levels = np.arange(256, dtype=np.float32)[:, None] * gains  # (256, C)
        table = np.clip(np.rint(levels), 0, 255).astype(np.uint8)
        out = cv2.LUT(img, table.reshape(256, 1, channels) if channels > 1 else table)
        results['img'] = out.reshape(img.shape)  # cv2 drops a single channel axis
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(low={self.low}, high={self.high})'

# ---- Training targets through a keypoint codec (MMPose's GenerateTarget(encoder=...))

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
