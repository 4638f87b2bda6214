"""Pure-PyTorch reference implementations of wildpose's two hot ops.

These are the test oracle for the compiled kernels and the fallback where no compiled
build is available. They are written for clarity, vectorised over the batch.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor

from ..structures.skeleton import BONE_GROUPS, BoneGroup
from .arguments import check_bone_ratio_args, check_soft_argmax_args

#: lengths below sqrt(LENGTH_EPS) are clamped so a zero-length bone has a zero gradient
LENGTH_EPS = 1e-12


def soft_argmax_reference(heatmaps: Tensor, beta: float = 1.0,
                          return_confidence: bool = False
                          ) -> Tensor | tuple[Tensor, Tensor]:
    """Integral (soft-argmax) decoding of heatmaps.

    Args:
        heatmaps: (B, J, H, W) unnormalised scores.
        beta: inverse temperature of the softmax over the H*W cells.
        return_confidence: also return the largest normalised probability per joint.

    Returns:
        (B, J, 2) expected (x, y) in heatmap pixels (x is the column index), and, if asked,
        (B, J) confidences in (0, 1].
    """
    check_soft_argmax_args(heatmaps)
    b, j, h, w = heatmaps.shape
    prob = torch.softmax(beta * heatmaps.reshape(b, j, h * w), dim=-1).reshape(b, j, h, w)
    xs = torch.arange(w, dtype=heatmaps.dtype, device=heatmaps.device)
    ys = torch.arange(h, dtype=heatmaps.dtype, device=heatmaps.device)
    x = (prob.sum(dim=2) * xs).sum(dim=-1)
    y = (prob.sum(dim=3) * ys).sum(dim=-1)
    coords = torch.stack([x, y], dim=-1)
    if return_confidence:
        return coords, prob.reshape(b, j, h * w).amax(dim=-1)
    return coords


def bone_ratio_loss_reference(xy: Tensor, z: Tensor, visible: Tensor, has_3d: Tensor,
                              groups: Sequence[BoneGroup] = BONE_GROUPS) -> Tensor:
    """The geometric constraint of Zhou et al. (2017) on bone-length ratios.

    For each 2D-only sample, each bone e = (i, j) with both joints visible has the 3D
    length ``l_e = sqrt(|xy_i - xy_j|^2 + (z_i - z_j)^2)``; within each group R the loss
    is ``sum_e (w_e l_e - m_R)^2 / (2 n_R)`` with ``m_R`` the mean weighted length over
    the ``n_R`` visible bones. A group without a visible bone adds 0.

    Args:
        xy: (B, J, 2) ground-truth 2D joints, in the same units as ``z``.
        z: (B, J) predicted root-relative depths.
        visible: (B, J) joint visibility (> 0 means visible).
        has_3d: (B,) bool; samples with 3D labels contribute nothing.
        groups: the bone groups and weights (default: the paper's).

    Returns:
        Scalar: sum over 2D-only samples divided by the batch size B.
    """
    check_bone_ratio_args(xy, z, visible, has_3d, groups)
    batch = xy.shape[0]
    if batch == 0:  # 0, still part of the graph (zero gradients), as the kernels give
        return z.sum() + xy.sum().to(z.dtype)
    active = (~has_3d.bool()).to(z.dtype)  # (B,)
    vis = (visible > 0).to(z.dtype)
    total = z.new_zeros(batch)
    for group in groups:
        parents = torch.tensor([p for p, _ in group.bones], device=z.device)
        children = torch.tensor([c for _, c in group.bones], device=z.device)
        weights = torch.tensor(group.weights, dtype=z.dtype, device=z.device)
        d2 = (((xy[:, parents] - xy[:, children]) ** 2).sum(-1)
              + (z[:, parents] - z[:, children]) ** 2)
        length = torch.sqrt(d2.clamp_min(LENGTH_EPS)) * weights  # (B, E)
        bone_vis = vis[:, parents] * vis[:, children]  # (B, E)
        count = bone_vis.sum(-1)  # (B,)
        safe = count.clamp_min(1.0)
        mean = (length * bone_vis).sum(-1) / safe
        spread = (((length - mean[:, None]) ** 2) * bone_vis).sum(-1) / (2.0 * safe)
        total = total + spread
    return (total * active).sum() / batch
