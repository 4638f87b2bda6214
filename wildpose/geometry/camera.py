"""Pinhole camera maths for the lab datasets' annotations (pure numpy).

Conventions of Human3.6M (and MMPose's ``cameras.pkl``): a world point ``X_w`` is
``X_c = R @ (X_w - T)`` in the camera frame (x right, y down, z forward); the image
point is ``f * distort(X_c[:2] / X_c[2]) + c`` with Human3.6M's radial (``k``, 3
coefficients) and tangential (``p``, 2 coefficients) distortion.
"""
from __future__ import annotations

import numpy as np


def world_to_camera(points: np.ndarray, R: np.ndarray, T: np.ndarray) -> np.ndarray:
    """(..., 3) world points -> (..., 3) camera-frame points, same unit as ``T``."""
    R = np.asarray(R, np.float64).reshape(3, 3)
    T = np.asarray(T, np.float64).reshape(3)
    return (np.asarray(points, np.float64) - T) @ R.T


def project_points(points: np.ndarray, f: np.ndarray, c: np.ndarray,
                   k: np.ndarray | None = None, p: np.ndarray | None = None) -> np.ndarray:
    """Project (..., 3) camera-frame points (any length unit) to (..., 2) image px.

    Args:
        f: (2,) focal lengths, px. c: (2,) principal point, px.
        k: (3,) radial distortion, or None. p: (2,) tangential distortion, or None.
    """
    pts = np.asarray(points, np.float64)
    f = np.asarray(f, np.float64).reshape(2)
    c = np.asarray(c, np.float64).reshape(2)
    z = pts[..., 2:3]
    xy = pts[..., :2] / np.where(np.abs(z) < 1e-12, 1e-12, z)
    if k is not None or p is not None:
        k = np.zeros(3) if k is None else np.asarray(k, np.float64).reshape(3)
        p = np.zeros(2) if p is None else np.asarray(p, np.float64).reshape(2)
        r2 = np.sum(xy ** 2, axis=-1, keepdims=True)
        radial = 1.0 + k[0] * r2 + k[1] * r2 ** 2 + k[2] * r2 ** 3
        tangential = p[0] * xy[..., 1:2] + p[1] * xy[..., 0:1]
        xy = xy * (radial + tangential) + r2 * p[::-1]
    return xy * f + c
