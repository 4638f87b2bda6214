"""Integral (soft-argmax) coordinate loss: 2D joints trained through the heatmaps.

Sun et al., "Integral Human Pose Regression" (ECCV 2018): the heatmaps are treated as
unnormalised log-probabilities, their expectation (soft-argmax) is the joint position,
and an L1 loss on that position trains the network end to end. Unlike the heatmap MSE it
is not limited by the heatmap's resolution (sub-pixel positions come for free), and the
network picks its own peak shape. The soft-argmax and its backward pass are the compiled
:func:`wildpose.ops.soft_argmax`.
"""
from __future__ import annotations

from typing import ClassVar

from torch import Tensor, nn

from ... import ops
from ...registry import MODELS


@MODELS.register_module()
class IntegralCoordinateLoss(nn.Module):
    """``loss_weight * sum_bj w_bj |soft_argmax(h)_bj - k_bj|_1 / (size * max(sum w, 1))``.

    Positions are compared in heatmap px and divided by the heatmap width (``size``), so
    the loss is a fraction of the heatmap and does not depend on its resolution.

    Args:
        beta: inverse temperature of the soft-argmax (decoding must use the same).
        loss_weight: factor on the loss.
    """

    #: the data-sample fields this loss reads: target positions (J, 2) heatmap px and
    #: their weights (J,) (see ``Weak3DPoseEstimator.loss``)
    target_fields: ClassVar[tuple[str, str]] = ('gt_keypoints_hm', 'gt_keypoint_weights')

    def __init__(self, beta: float = 1.0, loss_weight: float = 1.0) -> None:
        super().__init__()
        if beta <= 0:
            raise ValueError(f'IntegralCoordinateLoss: beta must be > 0, got {beta}')
        self.beta = float(beta)
        self.loss_weight = loss_weight

    def forward(self, pred: Tensor, target: Tensor, weight: Tensor) -> Tensor:
        """pred: (B, J, h, w) heatmap logits; target: (B, J, 2) heatmap px;
        weight: (B, J). Returns a scalar."""
        if pred.dim() != 4 or tuple(target.shape) != (*pred.shape[:2], 2) \
                or tuple(weight.shape) != tuple(pred.shape[:2]):
            raise ValueError(f'IntegralCoordinateLoss: pred {tuple(pred.shape)} must be (B, J, '
                             f'h, w), target {tuple(target.shape)} (B, J, 2) and weight '
                             f'{tuple(weight.shape)} (B, J)')
        coords = ops.soft_argmax(pred.float(), beta=self.beta)
        w = weight.to(coords.dtype)
        err = (coords - target.to(coords.dtype)).abs().sum(-1) * w
        return self.loss_weight * err.sum() / (pred.shape[-1] * w.sum().clamp_min(1.0))
