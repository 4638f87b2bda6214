"""Keypoint codecs (registered in ``KEYPOINT_CODECS``): the one place where the target
convention lives, used by the ``GenerateTarget`` transform (encode) and by the estimator
(decode), the way MMPose's codecs are.

* :class:`HeatmapDepthCodec`: Gaussian heatmaps + normalised root-relative depth,
  decoded by argmax with a quarter-pixel shift (Zhou et al. 2017, the default);
* :class:`IntegralDepthCodec`: joint positions for an integral (soft-argmax) loss,
  decoded by soft-argmax (Sun et al. 2018).
"""
from .heatmap_depth import DecodedPoses, HeatmapDepthCodec, build_codec
from .integral_depth import IntegralDepthCodec

__all__ = ['DecodedPoses', 'HeatmapDepthCodec', 'IntegralDepthCodec', 'build_codec']
