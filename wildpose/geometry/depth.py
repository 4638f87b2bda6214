"""Depth targets: root-relative depth in the same pixel units as the 2D joints.

Zhou et al. (2017) put depth into the 2D joints' pixel units with one scale per sample,
``s = sum_bones |p_i - p_j| / sum_bones |P_i[:2] - P_j[:2]|`` (2D bone lengths, px, over
the 3D bones' x, y extents, mm), so the depth of joint j is ``(Z_j - Z_root) * s`` px. It
follows the crop's scale into input and heatmap px; the network regresses
``z_hm / (w_hm / 2)`` (about [-1, 1]).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..structures.skeleton import BONES, ROOT


def _bone_arrays(bones: Sequence[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    arr = np.asarray(bones, dtype=np.int64).reshape(-1, 2)
    return arr[:, 0], arr[:, 1]


def depth_scale(kpts2d: np.ndarray, kpts3d: np.ndarray,
                bones: Sequence[tuple[int, int]] = BONES,
                visible: np.ndarray | None = None) -> float:
    """Pixels per mm: sum of 2D bone lengths over the sum of the 3D bones' x, y extents.

    Args:
        kpts2d: (J, 2) joints, px.
        kpts3d: (J, 3) joints, camera frame, mm.
        bones: (parent, child) pairs summed over.
        visible: (J,) optional; only bones with both joints visible (> 0) count.

    Raises:
        ValueError: on bad shapes, or when no counted bone has a non-zero x, y extent.
    """
    kpts2d = np.asarray(kpts2d, dtype=np.float64)
    kpts3d = np.asarray(kpts3d, dtype=np.float64)
    if kpts2d.ndim != 2 or kpts2d.shape[1] != 2:
        raise ValueError(f'kpts2d must be (J, 2), got {kpts2d.shape}')
    if kpts3d.shape != (kpts2d.shape[0], 3):
        raise ValueError(f'kpts3d must be ({kpts2d.shape[0]}, 3), got {kpts3d.shape}')
    par, chi = _bone_arrays(bones)
    if visible is not None:
        vis = np.asarray(visible).reshape(-1) > 0
        keep = vis[par] & vis[chi]
        par, chi = par[keep], chi[keep]
    len2d = np.linalg.norm(kpts2d[par] - kpts2d[chi], axis=-1).sum()
    len3d = np.linalg.norm(kpts3d[par, :2] - kpts3d[chi, :2], axis=-1).sum()
    if not np.isfinite(len3d) or len3d <= 1e-9 or not np.isfinite(len2d):
        raise ValueError('depth_scale: the counted bones have no x, y extent in 3D '
                         f'(sum {len3d}); cannot relate mm to px')
    return float(len2d / len3d)


def root_relative_depth(kpts2d: np.ndarray, kpts3d: np.ndarray, root: int = ROOT,
                        bones: Sequence[tuple[int, int]] = BONES,
                        visible: np.ndarray | None = None) -> np.ndarray:
    """(J,) float32 depth ``(Z_j - Z_root) * depth_scale`` in the px units of ``kpts2d``."""
    kpts3d = np.asarray(kpts3d, dtype=np.float64)
    s = depth_scale(kpts2d, kpts3d, bones, visible)
    return ((kpts3d[:, 2] - kpts3d[root, 2]) * s).astype(np.float32)


def normalise_depth(z_hm: Any, heatmap_width: float) -> Any:
    """Depth in heatmap px -> the network's target ``z_hm / (w_hm / 2)``; numpy or torch."""
    return z_hm / (float(heatmap_width) / 2.0)


def denormalise_depth(d: Any, heatmap_width: float) -> Any:
    """Inverse of :func:`normalise_depth`: ``d * (w_hm / 2)`` heatmap px; numpy or torch."""
    return d * (float(heatmap_width) / 2.0)
