"""The 2D heatmap head: one 1x1 convolution per hourglass stack."""
from __future__ import annotations

from torch import Tensor, nn

from ...registry import MODELS


@MODELS.register_module()
class StackedHeatmapHead(nn.Module):
    """Maps each stack's features to joint heatmaps.

    The backbone calls :meth:`forward_stack` after each stack (its ``heatmap_fn``) and
    feeds the result back, so the head must be given to the backbone's forward.

    Args:
        in_channels: feature channels C of the backbone.
        num_joints: J, the number of heatmaps (the backbone's ``feedback_channels``).
        num_stacks: one 1x1 convolution per stack.
    """

    def __init__(self, in_channels: int, num_joints: int = 16, num_stacks: int = 2) -> None:
        super().__init__()
        if in_channels < 1 or num_joints < 1 or num_stacks < 1:
            raise ValueError('StackedHeatmapHead: in_channels, num_joints and num_stacks must '
                             f'be >= 1, got {in_channels}, {num_joints}, {num_stacks}')
        self.num_joints = num_joints
        self.num_stacks = num_stacks
        self.convs = nn.ModuleList(
            nn.Conv2d(in_channels, num_joints, kernel_size=1) for _ in range(num_stacks))

    def forward_stack(self, index: int, features: Tensor) -> Tensor:
        """Stack ``index``'s features (B, C, h, w) -> heatmaps (B, J, h, w), heatmap px."""
        if not 0 <= index < self.num_stacks:
            raise IndexError(f'StackedHeatmapHead has {self.num_stacks} stacks, asked for '
                             f'stack {index}')
        return self.convs[index](features)

    def forward(self, features: list[Tensor]) -> list[Tensor]:
        """Per-stack features [(B, C, h, w)] -> per-stack heatmaps [(B, J, h, w)]."""
        if len(features) != self.num_stacks:
            raise ValueError(f'StackedHeatmapHead expects {self.num_stacks} feature maps, '
                             f'got {len(features)}')
        return [self.forward_stack(i, f) for i, f in enumerate(features)]
