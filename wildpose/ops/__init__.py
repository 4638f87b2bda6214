"""wildpose's ops: soft-argmax decoding and the bone-ratio (geometric constraint) loss.

``soft_argmax`` and ``bone_ratio_loss`` dispatch to compiled kernels where they are
available and fall back to the pure-PyTorch references in :mod:`wildpose.ops.reference`
otherwise. Importing this package never compiles anything.
"""
from .reference import bone_ratio_loss_reference, soft_argmax_reference

# The compiled dispatch (issue: compiled ops) replaces these two names.
soft_argmax = soft_argmax_reference
bone_ratio_loss = bone_ratio_loss_reference

__all__ = ['soft_argmax', 'bone_ratio_loss', 'soft_argmax_reference', 'bone_ratio_loss_reference']
