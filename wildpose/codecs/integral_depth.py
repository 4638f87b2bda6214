"""The integral variant (Sun et al., Integral Human Pose Regression, ECCV 2018).

The network's heatmaps are unnormalised log-probabilities; the joint is their
expectation (soft-argmax). Training reads only positions (an L1 loss through the
soft-argmax, :class:`~wildpose.models.losses.IntegralCoordinateLoss`), so no Gaussian
heatmaps are rendered; decoding runs the same soft-argmax with the same ``beta``.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from torch import Tensor

from .. import ops
from ..registry import KEYPOINT_CODECS
from .heatmap_depth import HeatmapDepthCodec


@KEYPOINT_CODECS.register_module()
class IntegralDepthCodec(HeatmapDepthCodec):
    """Positions and normalised depth; soft-argmax decoding.

    Args:
        beta: inverse temperature of the soft-argmax (the loss must use the same).
        **kwargs: see :class:`HeatmapDepthCodec` (``sigma`` is unused).
    """

    encoded_keys: tuple[str, ...] = ('keypoints_hm', 'keypoint_weights', 'depth_target',
                                     'depth_weights')

    def __init__(self, beta: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if beta <= 0:
            raise ValueError(f'beta must be > 0, got {beta}')
        self.beta = float(beta)

    def encode(self, keypoints: np.ndarray, keypoints_visible: np.ndarray,
               keypoints_depth: np.ndarray | None = None, has_3d: bool = False
               ) -> dict[str, np.ndarray]:
        """Positions (heatmap px) and depth targets; no heatmaps."""
        return self.encode_keypoints(keypoints, keypoints_visible, keypoints_depth, has_3d)

    def decode_heatmaps(self, heatmaps: Tensor) -> tuple[Tensor, Tensor]:
        """Soft-argmax positions (B, J, 2) heatmap px and peak probabilities (B, J)."""
        return ops.soft_argmax(heatmaps, beta=self.beta, return_confidence=True)
