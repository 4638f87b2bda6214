"""What a benchmark report states besides the metrics: model size and cost, speed, and
the software and hardware it ran on."""
from __future__ import annotations

import importlib
import logging
import os
import platform
import time
from typing import Any

import torch
from mmengine.logging import MMLogger
from torch import nn


class _TensorForward(nn.Module):
    """Wraps a wildpose model so that ``forward(x)`` is its network forward only
    (``mode='tensor'``) and returns a flat tuple of tensors (what tracing needs)."""

    def __init__(self, model: nn.Module, flip: bool = False) -> None:
        super().__init__()
        self.model = model
        self.flip = flip

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        outs = [self.model(x, mode='tensor')]
        if self.flip:  # the flip test runs the network a second time, on the mirrored crop
            outs.append(self.model(x.flip(-1), mode='tensor'))
        flat: list[torch.Tensor] = []

        def walk(o: Any) -> None:
            if isinstance(o, torch.Tensor):
                flat.append(o)
            elif isinstance(o, (list, tuple)):
                for item in o:
                    walk(item)
            elif isinstance(o, dict):
                for item in o.values():
                    walk(item)
            elif hasattr(o, '_fields'):  # namedtuple
                for item in o:
                    walk(item)
        walk(outs)
        return tuple(flat)


def _device_dtype(model: nn.Module) -> tuple[torch.device, torch.dtype]:
    p = next(model.parameters(), None)
    return (p.device, p.dtype) if p is not None else (torch.device('cpu'), torch.float32)


def count_parameters(model: nn.Module) -> int:
    return int(sum(p.numel() for p in model.parameters()))


def model_complexity(model: nn.Module, input_size: tuple[int, int]) -> dict[str, Any]:
    """Parameter count and cost of one network forward on a (1, 3, h, w) input.

    Uses :func:`mmengine.analysis.get_model_complexity_info`, which counts one
    multiply-add as one operation: reported as ``macs``; ``flops`` = 2 x ``macs``
    (multiply and add counted separately, the convention of method.md's 32 GFLOPs).
    Like fvcore, it counts convolutions, linear layers and matrix products; batch norm,
    additions, pooling and upsampling are not counted (``note`` says so in the report).
    Its warnings about those uncounted operators are silenced.

    Args:
        input_size: (w, h) of the network input, input px.
    """
    from mmengine.analysis import get_model_complexity_info

    w, h = input_size
    info: dict[str, Any] = dict(params=count_parameters(model), input_shape=[1, 3, h, w])
    device, dtype = _device_dtype(model)
    was_training = model.training
    model.eval()
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with torch.no_grad():
            result = get_model_complexity_info(
                _TensorForward(model), inputs=(torch.zeros(1, 3, h, w, device=device,
                                                           dtype=dtype),),
                show_table=False, show_arch=False)
        info['macs'] = int(result['flops'])
        info['flops'] = 2 * int(result['flops'])
        info['note'] = ('convolutions, linear layers and matrix products counted; batch '
                        'norm, additions, pooling and upsampling not')
    except Exception as err:  # tracing can fail on exotic ops: report, do not crash
        info['macs'] = info['flops'] = None
        info['error'] = f'{type(err).__name__}: {str(err)[:200]}'
    finally:
        logger.setLevel(level)
        model.train(was_training)
    return info


def measure_speed(model: nn.Module, input_size: tuple[int, int], batch_size: int = 1,
                  iters: int = 10, warmup: int = 2, flip_test: bool = False,
                  max_seconds: float | None = None) -> dict[str, Any]:
    """Inference speed of the network forward on random input crops.

    Times ``iters`` batches of ``batch_size`` (after ``warmup`` untimed ones) with
    ``torch.no_grad``, on the model's device and dtype; data loading, heatmap decoding
    and metric computation are not included. With ``flip_test`` each batch also runs the
    mirrored crop, as the flip test does. With ``max_seconds`` timing stops after the
    first batch that ends past that time (the report states the batches timed).
    """
    if iters < 1 or batch_size < 1:
        raise ValueError(f'iters and batch_size must be >= 1, got {iters}, {batch_size}')
    w, h = input_size
    device, dtype = _device_dtype(model)
    net = _TensorForward(model, flip=flip_test)
    x = torch.randn(batch_size, 3, h, w, device=device, dtype=dtype)
    was_training = model.training
    model.eval()

    def sync() -> None:
        if device.type == 'cuda':
            torch.cuda.synchronize(device)

    try:
        with torch.no_grad():
            for _ in range(warmup):
                net(x)
            sync()
            start = time.perf_counter()
            done = 0
            while done < iters:
                net(x)
                done += 1
                if max_seconds is not None and time.perf_counter() - start > max_seconds:
                    sync()
                    if time.perf_counter() - start > max_seconds:
                        break
            sync()
            seconds = time.perf_counter() - start
    finally:
        model.train(was_training)
    images = done * batch_size
    return dict(images_per_s=images / seconds, ms_per_image=1000.0 * seconds / images,
                batch_size=batch_size, iters=done, warmup=warmup, input_shape=[3, h, w],
                device=str(device), device_name=device_name(device),
                threads=torch.get_num_threads(), dtype=str(dtype).replace('torch.', ''),
                flip_test=flip_test,
                what='network forward only (no data loading, decoding or metrics)')


def cpu_name() -> str:
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.lower().startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or 'unknown CPU'


def device_name(device: torch.device | str) -> str:
    device = torch.device(device)
    if device.type == 'cuda' and torch.cuda.is_available():
        return torch.cuda.get_device_name(device)
    return cpu_name()


def _version(module: str) -> str:
    try:
        return str(getattr(importlib.import_module(module), '__version__', 'unknown'))
    except Exception:  # not installed, or broken: say so rather than fail the report
        return 'not installed'


def environment_info() -> dict[str, Any]:
    """Versions of the software stack and the hardware the run used."""
    env: dict[str, Any] = dict(
        python=platform.python_version(), platform=platform.platform(),
        wildpose=_version('wildpose'), torch=torch.__version__, mmengine=_version('mmengine'),
        mmcv=_version('mmcv'), numpy=_version('numpy'), opencv=_version('cv2'),
        cpu=cpu_name(), cpu_count=os.cpu_count(), torch_threads=torch.get_num_threads(),
        cuda_available=torch.cuda.is_available())
    if torch.cuda.is_available():
        env['cuda'] = torch.version.cuda
        env['cudnn'] = torch.backends.cudnn.version()
        env['gpus'] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    return env
