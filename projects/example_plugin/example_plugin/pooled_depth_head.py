"""A lighter depth head: global average pooling of the merged features, then an MLP."""
from __future__ import annotations

from torch import Tensor, nn

from wildpose.registry import MODELS


@MODELS.register_module()
class PooledDepthHead(nn.Module):
    """(B, C, h, w) merged features -> (B, J) normalised depths, with any input size.

    Takes the place of wildpose's ``DepthRegressionHead`` (same input, same output):
    the estimator calls ``head_depth(merged)``.

    Args:
        in_channels: channels C of the backbone's merged tensor.
        num_joints: J.
        hidden: width of the hidden layer.
    """

    def __init__(self, in_channels: int, num_joints: int = 16, hidden: int = 128) -> None:
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.mlp = nn.Sequential(nn.Linear(in_channels, hidden), nn.ReLU(inplace=True),
                                 nn.Linear(hidden, num_joints))

    def forward(self, merged: Tensor) -> Tensor:
        return self.mlp(self.pool(merged).flatten(1))
