"""Weighted L2 loss on the regressed (normalised) joint depths."""
from __future__ import annotations

from torch import Tensor, nn

from ...registry import MODELS


@MODELS.register_module()
class DepthL2Loss(nn.Module):
    """``loss_weight * sum(w * (pred - target)^2) / max(sum(w), 1)``.

    The weights carry both the joint's validity and whether the sample has 3D labels
    (the estimator zeroes them for 2D-only samples), so a batch without 3D labels gives
    0 (still part of the graph, with zero gradients).

    Args:
        loss_weight: factor on the loss (0.1 in the paper).
    """

    def __init__(self, loss_weight: float = 0.1) -> None:
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, pred: Tensor, target: Tensor, weight: Tensor) -> Tensor:
        """pred, target, weight: (B, J) normalised depths and weights. Returns a scalar."""
        if pred.shape != target.shape or pred.shape != weight.shape:
            raise ValueError(f'DepthL2Loss: pred {tuple(pred.shape)}, target '
                             f'{tuple(target.shape)} and weight {tuple(weight.shape)} must '
                             'all be (B, J)')
        w = weight.to(pred.dtype)
        num = (w * (pred - target.to(pred.dtype)) ** 2).sum()
        return self.loss_weight * num / w.sum().clamp_min(1.0)
