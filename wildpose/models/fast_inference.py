"""Preparing a trained estimator for fast inference.

Every switch keeps the model's outputs within a stated tolerance of float32 eager
(tests/test_models/test_fast_inference.py):

* ``fold_bn``: each ``Conv2d`` followed by a ``BatchNorm2d`` inside an ``nn.Sequential``
  becomes one convolution with the normalisation folded into its weights and bias (the
  batch norm is replaced by an identity). In the pre-activation residual modules two of
  the three batch norms follow a convolution; the first one normalises the module's
  input (a sum) and stays. Exact up to float rounding.
* ``channels_last``: NHWC weights and activations (faster CPU and tensor-core
  convolutions). Exact.
* ``precision``: ``'float32'``; ``'bfloat16-autocast'`` (float32 weights, bfloat16
  convolutions); ``'bfloat16-weights'`` (weights stored in bfloat16, inputs cast to
  them); ``'float16-autocast'`` (CUDA only). Heatmaps within about 1e-2 of float32 on
  outputs of magnitude 1; decoding always runs in float32.
* ``compile``: ``torch.compile`` of the network forward (the first call compiles: tens
  of seconds on a CPU; pays for long test runs and videos, not for a handful of images).

The command-line switches (``--fast``, ``--precision``, ``--compile`` of
``tools/test.py`` and ``tools/demo.py``) are declared here once
(:func:`add_speed_arguments`, :func:`speed_options`); ``init_model(..., fast=...)``, the
``Pose3DInferencer`` and the ``FastInferenceHook`` of ``tools/test.py`` take the options.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

PRECISIONS = ('float32', 'bfloat16-autocast', 'bfloat16-weights', 'float16-autocast')
#: what ``precision='auto'`` picks: the fastest that keeps the tolerance, per device type
#: (measured with tools/analysis/benchmark.py, docs/benchmarks.md)
AUTO_PRECISION = {'cpu': 'bfloat16-autocast', 'cuda': 'bfloat16-weights'}


def fold_batch_norms(module: nn.Module) -> int:
    """Fold every (``Conv2d``, ``BatchNorm2d``) pair of consecutive ``nn.Sequential``
    children into the convolution, in place; returns how many were folded.

    The module must be in eval mode (folding uses the running statistics).
    """
    if module.training:
        raise RuntimeError('fold_batch_norms: call model.eval() first (folding uses the '
                           'batch norms\' running statistics)')
    folded = 0
    for seq in [m for m in module.modules() if isinstance(m, nn.Sequential)]:
        names = list(seq._modules)
        for a, b in zip(names, names[1:]):
            conv, bn = seq._modules[a], seq._modules[b]
            if isinstance(conv, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d) \
                    and bn.track_running_stats and bn.running_mean is not None:
                seq._modules[a] = fuse_conv_bn_eval(conv, bn)
                seq._modules[b] = nn.Identity()
                folded += 1
    return folded


def optimise_for_inference(model: nn.Module, *, fold_bn: bool = True,
                           channels_last: bool = True, precision: str = 'float32',
                           compile: bool = False) -> nn.Module:
    """Switch ``model`` (a :class:`~wildpose.models.Weak3DPoseEstimator`) to eval mode
    and apply the chosen speed-ups in place; returns it.

    Args:
        fold_bn: fold batch norms into the preceding convolutions.
        channels_last: NHWC memory layout.
        precision: one of :data:`PRECISIONS`, or ``'auto'`` (:data:`AUTO_PRECISION` of the
            model's device; float32 elsewhere).
        compile: ``torch.compile`` the network forward.

    Raises:
        ValueError: an unknown precision, or float16 on a CPU.
    """
    device_type = next(model.parameters()).device.type
    if precision == 'auto':
        precision = AUTO_PRECISION.get(device_type, 'float32')
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be 'auto' or one of {PRECISIONS}, got {precision!r}")
    if precision == 'float16-autocast' and device_type != 'cuda':
        raise ValueError("precision 'float16-autocast' needs a CUDA device; use "
                         "'bfloat16-autocast' on the CPU")
    model.eval()
    if fold_bn:
        fold_batch_norms(model)
    if channels_last:
        model.to(memory_format=torch.channels_last)
        model.channels_last = True
    if precision == 'bfloat16-weights':
        model.to(torch.bfloat16)
    elif precision.endswith('-autocast'):
        model.inference_autocast_dtype = getattr(torch, precision.split('-')[0])
    if compile:
        model._forward = torch.compile(model._forward)
    return model


def add_speed_arguments(parser) -> None:
    """``--fast``, ``--precision`` and ``--compile`` on an ``argparse`` parser."""
    group = parser.add_argument_group('inference speed (docs/benchmarks.md)')
    group.add_argument('--fast', action='store_true',
                       help="fold batch norms, channels-last, and --precision auto unless "
                            "given (CPU: bfloat16 autocast; CUDA: bfloat16 weights)")
    group.add_argument('--precision', choices=('auto',) + PRECISIONS,
                       help='numeric precision of the network (default float32)')
    group.add_argument('--compile', action='store_true',
                       help='torch.compile the network (slow first call)')


def speed_options(args) -> dict | None:
    """Keyword arguments of :func:`optimise_for_inference` from :func:`add_speed_arguments`'
    switches; None when none is set (the model stays as built)."""
    if not (args.fast or args.precision or args.compile):
        return None
    return dict(fold_bn=args.fast, channels_last=args.fast,
                precision=args.precision or ('auto' if args.fast else 'float32'),
                compile=args.compile)
