"""Training-engine pieces: config checks, checkpoint checks, optim wrappers, hooks."""
from .optim_wrapper import AutocastOptimWrapper, amp_optim_wrapper

__all__ = ['AutocastOptimWrapper', 'amp_optim_wrapper']
