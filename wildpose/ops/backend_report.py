"""Which backend each op uses on each device, and why (``python -m wildpose.ops``)."""
from __future__ import annotations

import sys

import torch

from . import _loader

OPS = ('soft_argmax', 'bone_ratio_loss')


def _device_backend(lib: _loader.Library, device: str) -> tuple[str, str]:
    """(backend, reason) for the ops on ``device`` ('cpu' or 'cuda')."""
    mode = _loader.mode()
    if mode == 'reference':
        return 'reference', f'${_loader.ENV_MODE}=reference'
    if not lib.loaded:
        return 'reference', 'no compiled build could be loaded (see the notes)'
    where = 'ahead-of-time build' if lib.kind == 'aot' else 'just-in-time build (cached)'
    if device == 'cpu':
        return 'compiled', f'C++ kernels, {where}'
    if torch.version.cuda is None:
        return 'reference', 'this torch has no CUDA'
    if not lib.cuda:
        return 'reference', f'the {where} has no CUDA kernels'
    if not torch.cuda.is_available():
        return 'compiled', f'CUDA kernels, {where} (no GPU visible now)'
    return 'compiled', f'CUDA kernels, {where}'


def backend_report() -> dict:
    """Loads the ops if needed (may build them once) and describes the outcome.

    Returns:
        {'mode', 'library': {loaded, kind, path, cuda, info, notes},
         'ops': {op: {device: {'backend', 'reason'}}}}
    """
    mode = _loader.mode()
    lib = _loader.load() if mode != 'reference' else _loader.Library(
        notes=[f'not loaded: ${_loader.ENV_MODE}=reference'])
    per_device = {dev: _device_backend(lib, dev) for dev in ('cpu', 'cuda')}
    return {
        'mode': mode,
        'library': {'loaded': lib.loaded, 'kind': lib.kind, 'path': lib.path,
                    'cuda': lib.cuda, 'info': lib.info, 'notes': list(lib.notes)},
        'ops': {op: {dev: {'backend': b, 'reason': r} for dev, (b, r) in per_device.items()}
                for op in OPS},
    }


def format_report(report: dict) -> str:
    lib = report['library']
    lines = [f'wildpose.ops (torch {torch.__version__}, python {sys.version.split()[0]}, '
             f'${_loader.ENV_MODE}={report["mode"]})']
    if lib['loaded']:
        lines.append(f'library: {lib["kind"]} build {lib["path"]}')
        lines.append(f'         {lib["info"]}')
    else:
        lines.append('library: none loaded')
    for op, devices in report['ops'].items():
        for dev, entry in devices.items():
            lines.append(f'{op:<16} {dev:<5} {entry["backend"]:<10} {entry["reason"]}')
    for note in lib['notes']:
        lines.append(f'note: {note}')
    return '\n'.join(lines)
