"""Building blocks shared by backbones and heads (not registered: built directly)."""
from .residual import Residual, residual_stack

__all__ = ['Residual', 'residual_stack']
