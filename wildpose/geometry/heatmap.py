"""Gaussian heatmap targets and argmax decoding (heatmap px throughout).

Pixel (x, y) of a heatmap holds the value at coordinate (x, y): the Gaussian of a joint
at (mu_x, mu_y) is ``exp(-((x - mu_x)^2 + (y - mu_y)^2) / (2 sigma^2))``, centred at the
sub-pixel position (no rounding). Decoding takes the argmax and shifts it a quarter pixel
toward the higher neighbour (Newell et al.'s classic refinement).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np

if TYPE_CHECKING:  # torch is only needed by decode_argmax_torch
    from torch import Tensor


def generate_gaussian_heatmaps(kpts_hm: np.ndarray, visible: np.ndarray,
                               heatmap_size: Sequence[int], sigma: float
                               ) -> tuple[np.ndarray, np.ndarray]:
    """One Gaussian per joint.

    Args:
        kpts_hm: (J, 2) joints, heatmap px.
        visible: (J,) > 0 for labelled joints.
        heatmap_size: (w, h).
        sigma: standard deviation, heatmap px (> 0).

    Returns:
        heatmaps (J, h, w) float32 with peak 1 at the joint, and weights (J,) float32:
        0 (and an all-zero map) for invisible joints, non-finite positions, and joints
        whose Gaussian (radius 3 sigma) misses the map entirely; 1 otherwise.
    """
    if sigma <= 0:
        raise ValueError(f'sigma must be > 0, got {sigma}')
    w, h = int(heatmap_size[0]), int(heatmap_size[1])
    kpts_hm = np.asarray(kpts_hm, dtype=np.float64).reshape(-1, 2)
    visible = np.asarray(visible).reshape(-1)
    if visible.shape[0] != kpts_hm.shape[0]:
        raise ValueError(f'visible has {visible.shape[0]} joints, kpts_hm {kpts_hm.shape[0]}')
    num = kpts_hm.shape[0]
    heatmaps = np.zeros((num, h, w), dtype=np.float32)
    weights = np.zeros(num, dtype=np.float32)
    xs = np.arange(w, dtype=np.float64)
    ys = np.arange(h, dtype=np.float64)
    radius = 3.0 * sigma
    for j in range(num):
        mx, my = kpts_hm[j]
        if visible[j] <= 0 or not (np.isfinite(mx) and np.isfinite(my)):
            continue
        if mx + radius < 0 or my + radius < 0 or mx - radius > w - 1 or my - radius > h - 1:
            continue
        gx = np.exp(-((xs - mx) ** 2) / (2 * sigma ** 2))
        gy = np.exp(-((ys - my) ** 2) / (2 * sigma ** 2))
        heatmaps[j] = np.outer(gy, gx)
        weights[j] = 1.0
    return heatmaps, weights


def _quarter_shift(hm: np.ndarray, x: np.ndarray, y: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """numpy helper: shifts (N,) for maps (N, h, w) at integer peaks (x, y)."""
    n, h, w = hm.shape
    idx = np.arange(n)
    dx = np.zeros(n)
    dy = np.zeros(n)
    inx = (x > 0) & (x < w - 1)
    iny = (y > 0) & (y < h - 1)
    xr, xl = np.clip(x + 1, 0, w - 1), np.clip(x - 1, 0, w - 1)
    yd, yu = np.clip(y + 1, 0, h - 1), np.clip(y - 1, 0, h - 1)
    dx[inx] = 0.25 * np.sign(hm[idx, y, xr] - hm[idx, y, xl])[inx]
    dy[iny] = 0.25 * np.sign(hm[idx, yd, x] - hm[idx, yu, x])[iny]
    return dx, dy


def decode_argmax(heatmaps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """numpy version of :func:`decode_argmax_torch`: (..., J, h, w) -> coords (..., J, 2),
    scores (..., J)."""
    heatmaps = np.asarray(heatmaps)
    *lead, h, w = heatmaps.shape
    flat = heatmaps.reshape(-1, h, w)
    idx = flat.reshape(flat.shape[0], -1).argmax(axis=1)
    y, x = idx // w, idx % w
    scores = flat.reshape(flat.shape[0], -1).max(axis=1)
    dx, dy = _quarter_shift(flat, x, y)
    coords = np.stack([x + dx, y + dy], axis=-1).astype(np.float32)
    return coords.reshape(*lead, 2), scores.reshape(*lead)


def decode_argmax_torch(heatmaps: 'Tensor') -> tuple['Tensor', 'Tensor']:
    """Argmax with the quarter-pixel shift toward the higher neighbour.

    Args:
        heatmaps: (B, J, h, w) tensor.

    Returns:
        coords (B, J, 2) float (x, y) heatmap px, and scores (B, J): the maxima. Peaks on
        the border get no shift along that axis.
    """
    import torch

    if heatmaps.dim() != 4:
        raise ValueError(f'heatmaps must be (B, J, h, w), got {tuple(heatmaps.shape)}')
    b, j, h, w = heatmaps.shape
    flat = heatmaps.reshape(b, j, h * w)
    scores, idx = flat.max(dim=-1)
    y = torch.div(idx, w, rounding_mode='floor')
    x = idx - y * w

    def at(yy: 'Tensor', xx: 'Tensor') -> 'Tensor':
        return flat.gather(-1, (yy * w + xx).unsqueeze(-1)).squeeze(-1)

    xr, xl = (x + 1).clamp(max=w - 1), (x - 1).clamp(min=0)
    yd, yu = (y + 1).clamp(max=h - 1), (y - 1).clamp(min=0)
    dtype = heatmaps.dtype if heatmaps.is_floating_point() else torch.float32
    dx = 0.25 * torch.sign(at(y, xr) - at(y, xl)).to(dtype)
    dy = 0.25 * torch.sign(at(yd, x) - at(yu, x)).to(dtype)
    dx = torch.where((x > 0) & (x < w - 1), dx, torch.zeros_like(dx))
    dy = torch.where((y > 0) & (y < h - 1), dy, torch.zeros_like(dy))
    coords = torch.stack([x.to(dtype) + dx, y.to(dtype) + dy], dim=-1)
    return coords, scores
