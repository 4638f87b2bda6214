from .weak3d import Weak3DPoseEstimator

__all__ = ['Weak3DPoseEstimator']
