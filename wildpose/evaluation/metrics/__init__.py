"""Registered mmengine metrics (the maths is in :mod:`wildpose.evaluation.functional`)."""
from .keypoint_2d_metrics import LeftRightMetric, PCKhMetric, PCKMetric
from .keypoint_3d_metrics import DepthOrderMetric, MPJPEMetric, PCK3DMetric
from .prediction_collector import PredictionCollector

__all__ = ['DepthOrderMetric', 'LeftRightMetric', 'MPJPEMetric', 'PCK3DMetric', 'PCKMetric',
           'PCKhMetric', 'PredictionCollector']
