"""An example wildpose plugin: a depth head and a depth loss of its own.

Importing the package registers both in wildpose's ``MODELS`` registry; a config names
the package in ``custom_imports`` and the classes by ``type``.
"""
from .pooled_depth_head import PooledDepthHead
from .smooth_l1_depth_loss import SmoothL1DepthLoss

__all__ = ['PooledDepthHead', 'SmoothL1DepthLoss']
