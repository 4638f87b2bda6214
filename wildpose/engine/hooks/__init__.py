"""Hooks (registered in ``HOOKS``): pictures of predictions, a test progress bar."""
from .progress_bar_hook import ProgressBarHook
from .visualization_hook import PoseVisualizationHook

__all__ = ['PoseVisualizationHook', 'ProgressBarHook']
