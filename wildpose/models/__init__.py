"""Models (registered in ``MODELS``): backbones, heads, losses and the estimator.

Every module that registers a class is imported here so that the registry's
``locations`` ('wildpose.models') finds them all.
"""
from .backbones import HourglassNet, HourglassOutput
from .estimators import Weak3DPoseEstimator
from .heads import DepthRegressionHead, StackedHeatmapHead
from .losses import DepthL2Loss, GeometricConstraintLoss, KeypointMSELoss

__all__ = ['HourglassNet', 'HourglassOutput', 'Weak3DPoseEstimator', 'DepthRegressionHead',
           'StackedHeatmapHead', 'DepthL2Loss', 'GeometricConstraintLoss', 'KeypointMSELoss']
