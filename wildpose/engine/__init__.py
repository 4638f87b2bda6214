"""Training-engine pieces: config loading and checks, checkpoint checks, distributed
set-up, optim wrappers, hooks."""
from .optim_wrapper import AutocastOptimWrapper, amp_optim_wrapper

__all__ = ['AutocastOptimWrapper', 'amp_optim_wrapper']
