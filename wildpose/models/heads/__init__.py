"""Heads (registered in ``MODELS``): per-stack heatmaps and depth regression."""
from .depth_head import DepthRegressionHead
from .heatmap_head import HeatmapHead

__all__ = ['DepthRegressionHead', 'HeatmapHead']
