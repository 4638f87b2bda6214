"""Losses (registered in ``MODELS``): heatmap MSE, depth L2, geometric constraint."""
from .depth_loss import DepthL2Loss
from .geometric_loss import GeometricConstraintLoss
from .heatmap_loss import KeypointMSELoss
from .integral_loss import IntegralCoordinateLoss

__all__ = ['DepthL2Loss', 'GeometricConstraintLoss', 'IntegralCoordinateLoss', 'KeypointMSELoss']
