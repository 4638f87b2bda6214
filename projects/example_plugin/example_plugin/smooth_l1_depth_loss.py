"""A robust depth loss: smooth L1 (Huber) instead of the paper's L2."""
from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from wildpose.registry import MODELS


@MODELS.register_module()
class SmoothL1DepthLoss(nn.Module):
    """``loss_weight * sum(w * smooth_l1(pred - target)) / max(sum(w), 1)``.

    Same call as wildpose's ``DepthL2Loss``: ``(pred, target, weight)``, all (B, J);
    the estimator zeroes the weights of samples without 3D labels.

    Args:
        loss_weight: factor on the loss.
        beta: where the loss turns from quadratic to linear (normalised depth units).
    """

    def __init__(self, loss_weight: float = 0.1, beta: float = 0.1) -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self.beta = beta

    def forward(self, pred: Tensor, target: Tensor, weight: Tensor) -> Tensor:
        w = weight.to(pred.dtype)
        per_joint = F.smooth_l1_loss(pred, target.to(pred.dtype), reduction='none',
                                     beta=self.beta)
        return self.loss_weight * (w * per_joint).sum() / w.sum().clamp_min(1.0)
