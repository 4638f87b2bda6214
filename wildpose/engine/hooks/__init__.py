"""Hooks (registered in ``HOOKS``): pictures of predictions, a test progress bar, a guard
against non-finite losses and gradients, the fast inference path for testing."""
from .fast_inference_hook import FastInferenceHook
from .non_finite_hook import NonFiniteCheckHook, NonFiniteLossError
from .progress_bar_hook import ProgressBarHook
from .visualization_hook import PoseVisualizationHook

__all__ = ['FastInferenceHook', 'NonFiniteCheckHook', 'NonFiniteLossError', 'PoseVisualizationHook',
           'ProgressBarHook']
