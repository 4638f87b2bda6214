from .pose_data_sample import PoseDataSample
from . import skeleton

__all__ = ['PoseDataSample', 'skeleton']
