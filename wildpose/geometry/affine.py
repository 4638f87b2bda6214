"""Affine warps between image pixels and the network's input crop.

Convention: a box of size ``scale`` = (w, h) image px centred on ``center`` (image px),
rotated by ``rot`` degrees, is mapped onto an output crop of ``output_size`` = (w, h) px so
that ``center`` lands on ``(out_w / 2, out_h / 2)`` and the box's width / height fill the
crop's width / height. A positive ``rot`` turns the person counter-clockwise as seen in the
crop (the box is rotated clockwise in the image). Matrices are (2, 3) and act on pixel
coordinates exactly as ``cv2.warpAffine`` does, so warping an image and transforming its
points with the same matrix agree.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np


def fix_aspect_ratio(scale: np.ndarray, aspect_ratio: float) -> np.ndarray:
    """Grow the box (w, h) (image px) so that ``w / h == aspect_ratio``; never shrinks it.

    Args:
        scale: (2,) or (N, 2) box sizes (w, h).
        aspect_ratio: target width / height, e.g. ``input_w / input_h``.
    """
    if aspect_ratio <= 0:
        raise ValueError(f'aspect_ratio must be > 0, got {aspect_ratio}')
    scale = np.asarray(scale, dtype=np.float32)
    w, h = scale[..., 0], scale[..., 1]
    wider = w > h * aspect_ratio
    new_w = np.where(wider, w, h * aspect_ratio)
    new_h = np.where(wider, w / aspect_ratio, h)
    return np.stack([new_w, new_h], axis=-1).astype(np.float32)


def get_warp_matrix(center: np.ndarray, scale: np.ndarray, rot: float,
                    output_size: Sequence[int], inv: bool = False) -> np.ndarray:
    """The (2, 3) affine matrix from image px to crop px (``inv``: crop px to image px).

    Args:
        center: (2,) box centre, image px.
        scale: (2,) box size (w, h), image px; both must be > 0.
        rot: rotation in degrees (see the module docstring for the direction).
        output_size: crop size (w, h) in px.
        inv: return the inverse map (crop -> image) instead.

    Returns:
        (2, 3) float64 matrix ``M`` with ``[u, v] = M @ [x, y, 1]``.
    """
    center = np.asarray(center, dtype=np.float64).reshape(2)
    scale = np.asarray(scale, dtype=np.float64).reshape(2)
    if np.any(scale <= 0) or not np.all(np.isfinite(scale)):
        raise ValueError(f'scale must be finite and > 0, got {scale.tolist()}')
    out_w, out_h = float(output_size[0]), float(output_size[1])
    sx, sy = out_w / scale[0], out_h / scale[1]
    t = np.deg2rad(float(rot))
    cs, sn = np.cos(t), np.sin(t)
    # forward: translate centre to origin, rotate, scale, translate to crop centre
    rot_mat = np.array([[cs, sn], [-sn, cs]])
    lin = np.diag([sx, sy]) @ rot_mat
    out_c = np.array([out_w / 2.0, out_h / 2.0])
    if not inv:
        return np.concatenate([lin, (out_c - lin @ center)[:, None]], axis=1)
    inv_lin = rot_mat.T @ np.diag([1.0 / sx, 1.0 / sy])
    return np.concatenate([inv_lin, (center - inv_lin @ out_c)[:, None]], axis=1)


def transform_points(points: np.ndarray, mat: np.ndarray) -> np.ndarray:
    """Apply a (2, 3) affine matrix to (N, 2) points; returns (N, 2) in the input's float dtype
    (float64 for integer input)."""
    points = np.asarray(points)
    if points.shape[-1] != 2:
        raise ValueError(f'points must have shape (..., 2), got {points.shape}')
    mat = np.asarray(mat, dtype=np.float64)
    if mat.shape != (2, 3):
        raise ValueError(f'mat must have shape (2, 3), got {mat.shape}')
    out = points.astype(np.float64) @ mat[:, :2].T + mat[:, 2]
    dtype = points.dtype if np.issubdtype(points.dtype, np.floating) else np.float64
    return out.astype(dtype)
