"""wildpose's ops: soft-argmax decoding and the bone-ratio (geometric constraint) loss.

``soft_argmax`` and ``bone_ratio_loss`` run compiled kernels (C++ with OpenMP on CPU,
CUDA on GPU, registered as ``torch.ops.wildpose.*``) where a build is available and the
pure-PyTorch references of :mod:`wildpose.ops.reference` otherwise. Importing this
package compiles and loads nothing: the first call does (see :mod:`wildpose.ops._loader`
for the order: ahead-of-time build, cached just-in-time build, references with one
warning). ``WILDPOSE_OPS=reference`` forces the references; ``python -m wildpose.ops``
says which backend each op uses and why.
"""
from .functions import bone_ratio_loss, soft_argmax
from .reference import bone_ratio_loss_reference, soft_argmax_reference
from .backend_report import backend_report

__all__ = ['soft_argmax', 'bone_ratio_loss', 'soft_argmax_reference', 'bone_ratio_loss_reference',
           'backend_report']
