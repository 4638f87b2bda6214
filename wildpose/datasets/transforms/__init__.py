"""Data transforms, registered in ``TRANSFORMS`` (pipeline order; see docs/architecture.md).

Every module that registers a transform is imported here: the registry's ``locations``
imports this package on first use.
"""
from .common_transforms import (DepthFromPose3D, GenerateTarget, GetBBoxCenterScale,
                                RandomBBoxTransform, RandomChannelGain, RandomMirror,
                                mirror_results)
from .formatting import PackPoseInputs
from .loading import ImageLoadError, LoadImage
from .topdown_affine import TopdownAffine

__all__ = [
    'LoadImage', 'ImageLoadError', 'GetBBoxCenterScale', 'DepthFromPose3D', 'RandomMirror',
    'mirror_results', 'RandomBBoxTransform', 'TopdownAffine', 'RandomChannelGain',
    'GenerateTarget', 'PackPoseInputs',
]
