"""Mean-squared-error loss on joint heatmaps, masked per joint."""
from __future__ import annotations

from typing import ClassVar

from torch import Tensor, nn

from ...registry import MODELS


@MODELS.register_module()
class KeypointMSELoss(nn.Module):
    """``loss_weight * mean_{b,j,y,x} w_bj * (pred - target)^2``.

    The mean runs over every element (batch, joints, pixels), masked joints included,
    so a joint with weight 0 adds nothing but still counts in the denominator (as in
    the original code, where unlabelled joints have all-zero target heatmaps).

    Args:
        use_target_weight: multiply each joint's squared error by its weight.
        loss_weight: factor on the loss.
    """

    #: the data-sample fields this loss reads (see ``Weak3DPoseEstimator.loss``)
    target_fields: ClassVar[tuple[str, str]] = ('gt_heatmaps', 'gt_heatmap_weights')

    def __init__(self, use_target_weight: bool = True, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.use_target_weight = use_target_weight
        self.loss_weight = loss_weight

    def forward(self, pred: Tensor, target: Tensor, target_weight: Tensor | None = None
                ) -> Tensor:
        """pred, target: (B, J, h, w) heatmaps; target_weight: (B, J). Returns a scalar."""
        if pred.shape != target.shape or pred.dim() != 4:
            raise ValueError(f'KeypointMSELoss: pred {tuple(pred.shape)} and target '
                             f'{tuple(target.shape)} must both be (B, J, h, w)')
        err = (pred - target.to(pred.dtype)) ** 2
        if self.use_target_weight:
            if target_weight is None or tuple(target_weight.shape) != tuple(pred.shape[:2]):
                got = None if target_weight is None else tuple(target_weight.shape)
                raise ValueError(f'KeypointMSELoss: target_weight must be (B, J) = '
                                 f'{tuple(pred.shape[:2])}, got {got}')
            err = err * target_weight.to(pred.dtype)[:, :, None, None]
        return self.loss_weight * err.mean()
