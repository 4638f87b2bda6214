"""The depth-regression head of Zhou et al. (2017).

It reads the backbone's ``merged`` tensor (the running input after the last stack's
merge, so it sees features and heatmaps), shrinks it with residual modules and max
pooling, and regresses one normalised root-relative depth per joint with a linear layer.
"""
from __future__ import annotations

from typing import ClassVar, Sequence

from torch import Tensor, nn

from ...registry import MODELS
from ..layers import residual_stack


@MODELS.register_module()
class DepthRegressionHead(nn.Module):
    """``num_stages`` x (``blocks_per_stage`` residual modules + maxpool 2) + Linear.

    With the paper's values (C=256, 64x64 input, 4 stages of 2 blocks) the maps shrink
    64 -> 4 and the linear layer is 4*4*256 -> 16.

    Args:
        in_channels: channels C of the merged tensor.
        num_joints: J, depths predicted per sample.
        in_size: (w, h) of the merged tensor in heatmap px (the same (w, h) order as the
            pipeline's ``input_size``); the linear layer's size depends on it.
        num_stages: number of (residual modules + 2x max pooling) stages.
        blocks_per_stage: residual modules per stage.
    """

    #: the estimator passes the codec's heatmap size as ``in_size`` (written once, there)
    needs_in_size: ClassVar[bool] = True

    def __init__(self, in_channels: int, num_joints: int = 16,
                 in_size: Sequence[int] = (64, 64), num_stages: int = 4,
                 blocks_per_stage: int = 2) -> None:
        super().__init__()
        if len(in_size) != 2:
            raise ValueError(f'DepthRegressionHead: in_size must be (w, h), got {in_size!r}')
        w, h = (int(v) for v in in_size)
        if num_stages < 0 or blocks_per_stage < 1:
            raise ValueError('DepthRegressionHead: num_stages must be >= 0 and '
                             f'blocks_per_stage >= 1, got {num_stages}, {blocks_per_stage}')
        out_w, out_h = w >> num_stages, h >> num_stages
        if out_w < 1 or out_h < 1:
            raise ValueError(f'DepthRegressionHead: in_size {tuple(in_size)} is too small for '
                             f'{num_stages} 2x poolings')
        self.in_size = (w, h)
        self.num_joints = num_joints
        stages: list[nn.Module] = []
        for _ in range(num_stages):
            stages.append(residual_stack(in_channels, in_channels, blocks_per_stage))
            stages.append(nn.MaxPool2d(kernel_size=2, stride=2))
        self.stages = nn.Sequential(*stages)
        self.fc = nn.Linear(in_channels * out_w * out_h, num_joints)

    def forward(self, merged: Tensor) -> Tensor:
        """(B, C, h, w) merged features -> (B, J) normalised depths (z_hm / (w_hm / 2))."""
        if merged.dim() != 4 or (merged.shape[-1], merged.shape[-2]) != self.in_size:
            raise ValueError(
                f'DepthRegressionHead: input has shape {tuple(merged.shape)}, i.e. (w, h) = '
                f'{tuple(merged.shape[-1:-3:-1])}, but the head was built for in_size (w, h) = '
                f'{self.in_size}; set head_depth.in_size to the heatmap size '
                '(input size / 4)')
        return self.fc(self.stages(merged).flatten(1))
