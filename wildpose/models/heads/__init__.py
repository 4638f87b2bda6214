"""Heads (registered in ``MODELS``): per-stack heatmaps and depth regression."""
from .depth_head import DepthRegressionHead
from .depth_map_head import DepthMapHead
from .heatmap_head import StackedHeatmapHead

__all__ = ['DepthMapHead', 'DepthRegressionHead', 'StackedHeatmapHead']
