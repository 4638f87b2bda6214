from .pose_sample import PoseSample
from . import skeleton

__all__ = ['PoseSample', 'skeleton']
