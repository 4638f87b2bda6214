"""Registered mmengine metrics (the maths is in :mod:`wildpose.evaluation.functional`)."""
from .left_right_metric import LeftRightMetric
from .mpjpe_metric import MPJPEMetric
from .pck3d_metric import PCK3DMetric
from .pck_metric import PCKMetric
from .pckh_metric import PCKhMetric
from .prediction_collector import PredictionCollector

__all__ = ['LeftRightMetric', 'MPJPEMetric', 'PCK3DMetric', 'PCKMetric', 'PCKhMetric',
           'PredictionCollector']
