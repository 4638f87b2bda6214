"""Mixed-precision training on any device: autocast without loss scaling.

mmengine 0.10.7's ``AmpOptimWrapper`` asserts a GPU (it is built around CUDA's
``GradScaler``), so it cannot train in bfloat16 on a CPU, where bfloat16 matrix units
(AVX-512 BF16, AMX) run convolutions about twice as fast as float32. bfloat16 has
float32's exponent range, so gradients need no loss scaling; this wrapper only opens an
``autocast`` region around the forward pass and the losses. The losses themselves are
computed in float32 by the estimator (it casts the network's outputs), and the compiled
ops compute reduced-precision inputs in float32.

:func:`amp_optim_wrapper` is the one place that decides what ``--amp`` means on a device.
"""
from __future__ import annotations

import warnings
from contextlib import contextmanager
from typing import Iterator

import torch
from mmengine.optim import OptimWrapper
from torch import nn

from ..registry import OPTIM_WRAPPERS

_DTYPES = {'bfloat16': torch.bfloat16, 'float16': torch.float16}


def cpu_has_fast_bf16() -> bool:
    """True when oneDNN reports native bfloat16 support on this CPU (AVX-512 BF16/AMX)."""
    probe = getattr(torch.ops.mkldnn, '_is_mkldnn_bf16_supported', None)
    try:
        return bool(probe()) if probe is not None else False
    except RuntimeError:
        return False


def _model_device_type(model: nn.Module) -> str:
    for p in model.parameters():
        return p.device.type
    return 'cpu'


@OPTIM_WRAPPERS.register_module()
class AutocastOptimWrapper(OptimWrapper):
    """``OptimWrapper`` whose forward context is ``torch.autocast(device, dtype)``.

    Args:
        dtype: ``'bfloat16'`` (default; CPU or CUDA) or ``'float16'`` (CUDA only: fp16
            needs loss scaling, so prefer mmengine's ``AmpOptimWrapper`` there; allowed
            here for inference-like fine-tuning where overflow is checked elsewhere).
        **kwargs: passed to :class:`mmengine.optim.OptimWrapper` (``optimizer``,
            ``clip_grad``, ``accumulative_counts``).

    The device type is read from the model's parameters when the context is entered,
    so the same config trains on a CPU or a GPU.
    """

    def __init__(self, dtype: str = 'bfloat16', **kwargs) -> None:
        super().__init__(**kwargs)
        if dtype not in _DTYPES:
            raise ValueError(f"AutocastOptimWrapper: dtype must be one of {sorted(_DTYPES)}, "
                             f'got {dtype!r}')
        self.cast_dtype = _DTYPES[dtype]
        self._checked_device = False

    def _check_device(self, device_type: str) -> None:
        if self._checked_device:
            return
        self._checked_device = True
        if device_type == 'cpu' and self.cast_dtype == torch.float16:
            raise ValueError('AutocastOptimWrapper: float16 autocast is not supported for '
                             "training on the CPU; use dtype='bfloat16'")
        if device_type == 'cpu' and not cpu_has_fast_bf16():
            warnings.warn('AutocastOptimWrapper: this CPU has no native bfloat16 support '
                          '(AVX-512 BF16 / AMX); bfloat16 autocast will be slower than '
                          'float32 here', stacklevel=2)

    @contextmanager
    def optim_context(self, model: nn.Module) -> Iterator[None]:
        device_type = _model_device_type(model)
        self._check_device(device_type)
        with super().optim_context(model), \
                torch.autocast(device_type=device_type, dtype=self.cast_dtype):
            yield


def amp_optim_wrapper(optim_wrapper: dict, device_type: str) -> dict:
    """The optim-wrapper config that ``--amp`` means on ``device_type``.

    * CUDA: mmengine's ``AmpOptimWrapper`` (dynamic loss scaling), bfloat16 where the GPU
      supports it, float16 otherwise;
    * CPU: :class:`AutocastOptimWrapper` in bfloat16 (no loss scaling needed).

    Args:
        optim_wrapper: the config's ``optim_wrapper`` dict (not modified).
        device_type: ``'cuda'`` or ``'cpu'``.

    Raises:
        ValueError: for another device type.
    """
    cfg = dict(optim_wrapper)
    if device_type == 'cuda':
        cfg['type'] = 'AmpOptimWrapper'
        cfg['dtype'] = 'bfloat16' if torch.cuda.is_bf16_supported() else 'float16'
        cfg.setdefault('loss_scale', 'dynamic')
        return cfg
    if device_type == 'cpu':
        cfg['type'] = 'AutocastOptimWrapper'
        cfg['dtype'] = 'bfloat16'
        cfg.pop('loss_scale', None)
        return cfg
    raise ValueError(f'--amp: no mixed-precision recipe for device {device_type!r}')
