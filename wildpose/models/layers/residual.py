"""The pre-activation bottleneck residual module of the stacked hourglass.

Shared by :class:`~wildpose.models.backbones.HourglassNet` and
:class:`~wildpose.models.heads.DepthRegressionHead` (method.md, "Network").
"""
from __future__ import annotations

from torch import Tensor, nn


class Residual(nn.Module):
    """BN-ReLU-conv1x1(C/2)-BN-ReLU-conv3x3(C/2)-BN-ReLU-conv1x1(C) plus a skip path.

    The skip path is the identity when the channel count is unchanged and a 1x1
    convolution otherwise. The spatial size is kept.

    Args:
        in_channels: channels of the input (B, in_channels, H, W).
        out_channels: channels of the output (B, out_channels, H, W); must be even.
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        if in_channels < 1 or out_channels < 2 or out_channels % 2:
            raise ValueError('Residual needs in_channels >= 1 and an even out_channels >= 2, '
                             f'got in_channels={in_channels}, out_channels={out_channels}')
        mid = out_channels // 2
        self.branch = nn.Sequential(
            nn.BatchNorm2d(in_channels), nn.ReLU(inplace=True),
            nn.Conv2d(in_channels, mid, kernel_size=1),
            nn.BatchNorm2d(mid), nn.ReLU(inplace=True),
            nn.Conv2d(mid, mid, kernel_size=3, padding=1),
            nn.BatchNorm2d(mid), nn.ReLU(inplace=True),
            nn.Conv2d(mid, out_channels, kernel_size=1),
        )
        self.skip: nn.Module = (nn.Identity() if in_channels == out_channels
                                else nn.Conv2d(in_channels, out_channels, kernel_size=1))

    def forward(self, x: Tensor) -> Tensor:
        """(B, in_channels, H, W) -> (B, out_channels, H, W)."""
        return self.branch(x) + self.skip(x)


def residual_stack(in_channels: int, out_channels: int, num_blocks: int) -> nn.Sequential:
    """``num_blocks`` residual modules in a row; the first one changes the channels.

    ``num_blocks`` = 0 gives an identity (only allowed when the channels agree).
    """
    if num_blocks < 0:
        raise ValueError(f'num_blocks must be >= 0, got {num_blocks}')
    if num_blocks == 0 and in_channels != out_channels:
        raise ValueError(f'num_blocks=0 cannot change channels {in_channels} -> {out_channels}')
    blocks = [Residual(in_channels if k == 0 else out_channels, out_channels)
              for k in range(num_blocks)]
    return nn.Sequential(*blocks)
