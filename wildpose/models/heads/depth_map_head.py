"""Integral depth: per-joint depth maps read out where the heatmaps put the joint.

Beyond the paper (Sun et al., "Integral Human Pose Regression", ECCV 2018, the 2D +
depth variant): instead of regressing each joint's depth from the whole feature map with
a linear layer, the head predicts one depth map per joint at heatmap resolution and
reads it under the joint's soft-argmax distribution. The read-out is local and the same
at every position (translation-equivariant), which lets depth learnt on lab images
transfer to people placed and framed differently in the wild.
"""
from __future__ import annotations

from typing import ClassVar

import torch
from torch import Tensor, nn

from ...registry import MODELS
from ..layers import residual_stack


@MODELS.register_module()
class DepthMapHead(nn.Module):
    """``num_blocks`` residual modules + conv1x1 -> (B, J, h, w) depth maps; the depth of
    joint j is ``sum_xy softmax(beta * heatmap_j)(x, y) * map_j(x, y)``.

    Args:
        in_channels: channels C of the backbone's merged features (B, C, h, w).
        num_joints: J.
        num_blocks: residual modules before the 1x1 output convolution.
        beta: inverse temperature of the read-out softmax (the codec's, for an integral
            model).
        detach_weights: read out under the heatmaps' distribution without sending the
            depth losses' gradients into the heatmaps (the 2D joints are trained by the
            2D loss alone).
    """

    #: the estimator passes the last stack's heatmaps (B, J, h, w) as a second input
    reads_heatmaps: ClassVar[bool] = True

    def __init__(self, in_channels: int, num_joints: int = 16, num_blocks: int = 2,
                 beta: float = 1.0, detach_weights: bool = True) -> None:
        super().__init__()
        if beta <= 0 or num_blocks < 0:
            raise ValueError(f'DepthMapHead: beta must be > 0 and num_blocks >= 0, got '
                             f'{beta}, {num_blocks}')
        self.blocks = residual_stack(in_channels, in_channels, num_blocks)
        self.out = nn.Conv2d(in_channels, num_joints, kernel_size=1)
        self.num_joints = num_joints
        self.beta = float(beta)
        self.detach_weights = detach_weights

    def depth_maps(self, merged: Tensor) -> Tensor:
        """(B, C, h, w) -> (B, J, h, w) normalised depth maps."""
        return self.out(self.blocks(merged))

    def forward(self, merged: Tensor, heatmaps: Tensor) -> Tensor:
        """merged (B, C, h, w), heatmaps (B, J, h, w) -> (B, J) normalised depths."""
        maps = self.depth_maps(merged)
        if heatmaps.shape != maps.shape:
            raise ValueError(f'DepthMapHead: heatmaps {tuple(heatmaps.shape)} and depth maps '
                             f'{tuple(maps.shape)} must have the same shape (B, J, h, w)')
        weights = torch.softmax(self.beta * heatmaps.flatten(2).float(), dim=-1)
        if self.detach_weights:
            weights = weights.detach()
        return (weights * maps.flatten(2).float()).sum(-1)
