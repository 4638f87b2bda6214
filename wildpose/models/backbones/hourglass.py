"""The stacked hourglass network (Newell et al. 2016) as used by Zhou et al. (2017).

The backbone does not own the heatmap layers: after each stack it asks a callback
(the heatmap head's ``forward_stack``) for that stack's heatmaps and feeds them back into
the next stack, ``x = x + conv1x1(features) + conv1x1(heatmaps)``. The merge is done after
the last stack too; its result (``merged``) feeds the depth-regression head.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import torch.nn.functional as F
from torch import Tensor, nn

from ...registry import MODELS
from ..layers import Residual, residual_stack

HeatmapFn = Callable[[int, Tensor], Tensor]


class HourglassOutput(NamedTuple):
    """What :meth:`HourglassNet.forward` returns (h, w = H/4, W/4: heatmap px).

    Attributes:
        features: per stack, (B, C, h, w) features given to the heatmap callback.
        heatmaps: per stack, (B, feedback_channels, h, w) heatmaps the callback returned.
        merged: (B, C, h, w) the running input after the last stack's merge.
    """
    features: list[Tensor]
    heatmaps: list[Tensor]
    merged: Tensor


class Hourglass(nn.Module):
    """One hourglass: ``depth`` recursive 2x down-samplings, ``num_blocks`` residual
    modules at each position (skip branch, after the pool, the bottom, before the
    up-sampling), nearest-neighbour up-sampling and an element-wise sum.

    (B, C, H, W) -> (B, C, H, W).
    """

    def __init__(self, depth: int, channels: int, num_blocks: int) -> None:
        super().__init__()
        if depth < 1:
            raise ValueError(f'hourglass depth must be >= 1, got {depth}')
        self.up1 = residual_stack(channels, channels, num_blocks)
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)
        self.low1 = residual_stack(channels, channels, num_blocks)
        self.low2: nn.Module = (Hourglass(depth - 1, channels, num_blocks) if depth > 1
                                else residual_stack(channels, channels, num_blocks))
        self.low3 = residual_stack(channels, channels, num_blocks)

    def forward(self, x: Tensor) -> Tensor:
        up1 = self.up1(x)
        low = self.low3(self.low2(self.low1(self.pool(x))))
        return up1 + F.interpolate(low, size=up1.shape[-2:], mode='nearest')


@MODELS.register_module()
class HourglassNet(nn.Module):
    """Stacked hourglass backbone with heatmap feedback between stacks.

    Stem: conv7x7 s2 (64)-BN-ReLU-residual(64->128)-maxpool 2-residual(128->128)-
    residual(128->C), so features live at 1/4 of the input size. Each stack: an hourglass,
    ``num_blocks`` residual modules, conv1x1-BN-ReLU (the stack's features), the heatmap
    callback, then the merge ``x = x + conv1x1(features) + conv1x1(heatmaps)``.

    Args:
        num_stacks: number of hourglass stacks (each gets intermediate supervision).
        channels: feature channels C (even).
        num_blocks: residual modules at each hourglass position and after each hourglass.
        depth: number of 2x down-samplings inside each hourglass.
        feedback_channels: channels of the heatmaps the callback returns (the joints).
        in_channels: image channels.
        stem_channels: widths (a, b) of the stem, conv7x7 (a) - residual(a -> b) - pool -
            residual(b -> b) - residual(b -> C); the paper's (64, 128). The stem's first
            residual runs at half the input resolution, so on a CPU it dominates the cost
            of a narrow hourglass: small models may narrow it.
        early_pool: pool right after the 7x7 convolution instead of after the first
            residual, so that every residual of the stem runs at 1/4 of the input size
            (the paper pools after it; on a CPU the half-size residual is the dearest
            module of a narrow network).
    """

    def __init__(self, num_stacks: int = 2, channels: int = 256, num_blocks: int = 2,
                 depth: int = 4, feedback_channels: int = 16, in_channels: int = 3,
                 stem_channels: tuple[int, int] = (64, 128),
                 early_pool: bool = False) -> None:
        super().__init__()
        for name, value, low in (('num_stacks', num_stacks, 1), ('channels', channels, 2),
                                 ('num_blocks', num_blocks, 1), ('depth', depth, 1),
                                 ('feedback_channels', feedback_channels, 1),
                                 ('in_channels', in_channels, 1)):
            if not isinstance(value, int) or value < low:
                raise ValueError(f'HourglassNet: {name} must be an int >= {low}, got {value!r}')
        if len(stem_channels) != 2 or any(not isinstance(c, int) or c < 2 or c % 2
                                          for c in stem_channels):
            raise ValueError('HourglassNet: stem_channels must be two even ints >= 2, got '
                             f'{stem_channels!r}')
        mid, wide = stem_channels
        self.num_stacks = num_stacks
        self.channels = channels
        self.depth = depth
        self.feedback_channels = feedback_channels
        residual_then_pool = [Residual(mid, wide), nn.MaxPool2d(kernel_size=2, stride=2)]
        if early_pool:
            residual_then_pool.reverse()
        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, mid, kernel_size=7, stride=2, padding=3),
            nn.BatchNorm2d(mid), nn.ReLU(inplace=True),
            *residual_then_pool,
            Residual(wide, wide),
            Residual(wide, channels),
        )
        self.hourglasses = nn.ModuleList(
            Hourglass(depth, channels, num_blocks) for _ in range(num_stacks))
        self.post = nn.ModuleList(nn.Sequential(
            residual_stack(channels, channels, num_blocks),
            nn.Conv2d(channels, channels, kernel_size=1),
            nn.BatchNorm2d(channels), nn.ReLU(inplace=True),
        ) for _ in range(num_stacks))
        self.merge_features = nn.ModuleList(
            nn.Conv2d(channels, channels, kernel_size=1) for _ in range(num_stacks))
        self.merge_heatmaps = nn.ModuleList(
            nn.Conv2d(feedback_channels, channels, kernel_size=1) for _ in range(num_stacks))

    def forward(self, x: Tensor, heatmap_fn: HeatmapFn) -> HourglassOutput:
        """Run all stacks.

        Args:
            x: (B, in_channels, H, W) input crop (input px).
            heatmap_fn: ``heatmap_fn(i, features_i)`` -> (B, feedback_channels, H/4, W/4),
                the heatmaps of stack i (heatmap px).

        Returns:
            :class:`HourglassOutput` with per-stack features and heatmaps and ``merged``.
        """
        if x.dim() != 4:
            raise ValueError(f'HourglassNet expects input (B, C, H, W), got {tuple(x.shape)}')
        x = self.stem(x)
        features: list[Tensor] = []
        heatmaps: list[Tensor] = []
        for i in range(self.num_stacks):
            feat = self.post[i](self.hourglasses[i](x))
            hm = heatmap_fn(i, feat)
            if hm.dim() != 4 or hm.shape[1] != self.feedback_channels \
                    or hm.shape[-2:] != feat.shape[-2:]:
                raise ValueError(
                    f'heatmap_fn({i}, features) returned shape {tuple(hm.shape)}; expected '
                    f'(B, feedback_channels={self.feedback_channels}, {feat.shape[-2]}, '
                    f'{feat.shape[-1]}): does the head\'s num_joints match feedback_channels?')
            x = x + self.merge_features[i](feat) + self.merge_heatmaps[i](hm)
            features.append(feat)
            heatmaps.append(hm)
        return HourglassOutput(features, heatmaps, x)
