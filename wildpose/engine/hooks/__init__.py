"""Hooks (registered in ``HOOKS``): pictures of predictions, a test progress bar, a guard
against non-finite losses and gradients."""
from .non_finite_hook import NonFiniteCheckHook, NonFiniteLossError
from .progress_bar_hook import ProgressBarHook
from .visualization_hook import PoseVisualizationHook

__all__ = ['NonFiniteCheckHook', 'NonFiniteLossError', 'PoseVisualizationHook',
           'ProgressBarHook']
