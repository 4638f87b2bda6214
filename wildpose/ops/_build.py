"""What the compiled ops are built from, and how: shared by setup.py (ahead of time) and
the just-in-time fallback in :mod:`wildpose.ops._loader`.

This module imports neither torch nor anything of wildpose, so that setup.py can load it
by path on a machine without torch.
"""
from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

#: the folder of the C++ / CUDA sources
CSRC = Path(__file__).resolve().parent / 'csrc'

#: name of the ahead-of-time extension inside the package (wildpose/ops/_C*.so)
AOT_MODULE = 'wildpose.ops._C'

CPU_SOURCES = ('registration.cpp', 'soft_argmax_cpu.cpp', 'bone_ratio_cpu.cpp')
CUDA_SOURCES = ('soft_argmax_cuda.cu', 'bone_ratio_cuda.cu')

#: the source hash is written into the binary after this marker, so a stale build can
#: be told apart from a fresh one by reading the file, without loading it
HASH_MARKER = b'wildpose-ops-source-hash:'


def source_hash() -> str:
    """16 hex digits of the SHA-256 of every file in csrc/ (names and contents)."""
    digest = hashlib.sha256()
    for path in sorted(CSRC.iterdir()):
        if path.suffix in ('.cpp', '.cu', '.h'):  # not editor backups
            digest.update(path.name.encode())
            digest.update(b'\0')
            digest.update(path.read_bytes())
            digest.update(b'\0')
    return digest.hexdigest()[:16]


def sources(with_cuda: bool) -> list[str]:
    """Absolute paths of the translation units to compile."""
    names = CPU_SOURCES + (CUDA_SOURCES if with_cuda else ())
    return [str(CSRC / name) for name in names]


def cxx_flags(with_cuda: bool) -> list[str]:
    """Host compiler flags: optimised, OpenMP (at::parallel_for and `omp simd`)."""
    defines = [f'-DWILDPOSE_OPS_SOURCE_HASH={source_hash()}']
    if with_cuda:
        defines.append('-DWILDPOSE_WITH_CUDA')
    if sys.platform == 'win32':
        return ['/O2', '/openmp'] + defines
    if sys.platform == 'darwin':  # Apple clang has no -fopenmp without libomp
        return ['-O3', '-fopenmp-simd'] + defines
    return ['-O3', '-fopenmp'] + defines


def nvcc_flags() -> list[str]:
    return ['-O3', f'-DWILDPOSE_OPS_SOURCE_HASH={source_hash()}', '-DWILDPOSE_WITH_CUDA',
            '-lineinfo']


def ldflags() -> list[str]:
    if sys.platform in ('win32', 'darwin'):
        return []
    return ['-fopenmp']


def cache_dir(torch_version: str, cuda_version: str | None) -> Path:
    """Where the just-in-time build lives.

    ``$WILDPOSE_OPS_CACHE`` if set, else ``$TORCH_EXTENSIONS_DIR/wildpose_ops`` if set,
    else ``~/.cache/wildpose/ops``; below it one folder per Python, torch and CUDA
    version (builds for different ABIs never mix).
    """
    root = os.environ.get('WILDPOSE_OPS_CACHE')
    if root:
        base = Path(root)
    elif os.environ.get('TORCH_EXTENSIONS_DIR'):
        base = Path(os.environ['TORCH_EXTENSIONS_DIR']) / 'wildpose_ops'
    else:
        xdg = os.environ.get('XDG_CACHE_HOME') or str(Path.home() / '.cache')
        base = Path(xdg) / 'wildpose' / 'ops'
    py = f'py{sys.version_info[0]}{sys.version_info[1]}'
    tag = f'{py}_torch{torch_version}' + (f'_cuda{cuda_version}' if cuda_version else '')
    return base / tag.replace('+', '_').replace('/', '_')
