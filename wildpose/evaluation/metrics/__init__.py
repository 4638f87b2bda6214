from .mpjpe_metric import MPJPEMetric
from .pck_metric import PCKMetric

__all__ = ['MPJPEMetric', 'PCKMetric']
