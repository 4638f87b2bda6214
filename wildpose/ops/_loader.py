"""Finds, builds and loads the compiled ops library, once, on the first call of an op.

Order of preference:

1. ``WILDPOSE_OPS=reference`` in the environment: the pure-PyTorch references, always
   (read at every call, so it can be switched at run time).
2. The ahead-of-time build that ``pip install`` puts next to this file
   (``wildpose/ops/_C*.so``), if it was built from the current sources.
3. A just-in-time build with ``torch.utils.cpp_extension.load``, cached on disk (see
   :func:`wildpose.ops._build.cache_dir`); a later process loads the cached library
   directly. ``WILDPOSE_OPS_JIT=0`` disables this step. A build that failed is not
   retried for the same sources (marker ``failed-<source hash>.txt`` in the cache
   folder; delete it to retry).
4. The references, with one warning that says why.

``WILDPOSE_OPS=compiled`` turns step 4 into an error (for CI and benchmarks).
Importing this module compiles and loads nothing.
"""
from __future__ import annotations

import importlib.machinery
import os
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import torch

from . import _build

ENV_MODE = 'WILDPOSE_OPS'
ENV_JIT = 'WILDPOSE_OPS_JIT'
MODES = ('auto', 'reference', 'compiled')
JIT_NAME = 'wildpose_ops'
#: a JIT build lock older than this is taken to be left by a killed build
STALE_LOCK_S = 15 * 60


@dataclass
class Library:
    """The outcome of the one attempt to load compiled kernels in this process."""
    loaded: bool = False
    kind: str = 'none'  #: 'aot', 'jit' or 'none'
    path: str | None = None
    cuda: bool = False  #: the library holds CUDA kernels
    info: str = ''  #: its build_info()
    notes: list[str] = field(default_factory=list)  #: what was tried, and why it failed


_lock = threading.Lock()
_library: Library | None = None
_warned = False


def mode() -> str:
    """The value of ``$WILDPOSE_OPS``: 'auto' (default), 'reference' or 'compiled'."""
    value = os.environ.get(ENV_MODE, 'auto').strip().lower() or 'auto'
    if value not in MODES:
        raise ValueError(f'${ENV_MODE} must be one of {MODES}, got {value!r}')
    return value


def aot_candidates(package_dir: Path | None = None) -> list[Path]:
    """The ahead-of-time builds next to this file (wildpose/ops/_C<suffix>)."""
    folder = package_dir or Path(__file__).resolve().parent
    found = []
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = folder / f'_C{suffix}'
        if path.is_file():
            found.append(path)
    return found


def built_hash(path: Path) -> str | None:
    """The source hash written into a built library, read from its bytes (not loaded)."""
    data = path.read_bytes()
    at = data.find(_build.HASH_MARKER)
    if at < 0:
        return None
    start = at + len(_build.HASH_MARKER)
    return data[start:start + 16].decode('ascii', 'replace')


def _load_path(lib: Library, path: Path, kind: str) -> bool:
    try:
        torch.ops.load_library(str(path))
    except (OSError, RuntimeError) as exc:
        lib.notes.append(f'{kind} build {path} failed to load: {str(exc).splitlines()[0]}')
        return False
    lib.loaded, lib.kind, lib.path = True, kind, str(path)
    return True


def _try_aot(lib: Library, want_hash: str) -> bool:
    candidates = aot_candidates()
    if not candidates:
        lib.notes.append('no ahead-of-time build next to wildpose/ops (pip install built none)')
        return False
    for path in candidates:
        have = built_hash(path)
        if have != want_hash:
            lib.notes.append(f'ahead-of-time build {path} is stale (built from sources '
                             f'{have}, the sources are now {want_hash})')
            continue
        if _load_path(lib, path, 'aot'):
            return True
    return False


def _cuda_buildable() -> tuple[bool, str]:
    if torch.version.cuda is None:
        return False, 'torch has no CUDA'
    from torch.utils.cpp_extension import CUDA_HOME
    if CUDA_HOME is None:
        return False, 'no CUDA toolkit (nvcc) found'
    return True, f'CUDA toolkit at {CUDA_HOME}'


def _clear_stale_lock(folder: Path) -> None:
    lock = folder / 'lock'
    try:
        if lock.exists() and time.time() - lock.stat().st_mtime > STALE_LOCK_S:
            lock.unlink()
    except OSError:
        pass


def _try_jit(lib: Library, want_hash: str) -> bool:
    if os.environ.get(ENV_JIT, '1').strip() == '0':
        lib.notes.append(f'just-in-time build disabled (${ENV_JIT}=0)')
        return False
    with_cuda, cuda_note = _cuda_buildable()
    folder = _build.cache_dir(torch.__version__, torch.version.cuda)
    target = folder / f'{JIT_NAME}.so'
    if target.is_file() and built_hash(target) == want_hash:
        if _load_path(lib, target, 'jit'):  # built earlier, by this or another process
            return True
    failed = folder / f'failed-{want_hash}.txt'
    if failed.is_file():  # do not retry a failed build in every new process
        lib.notes.append(f'an earlier just-in-time build of these sources failed: '
                         f'{failed.read_text().strip()} (delete {failed} to retry)')
        return False
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _clear_stale_lock(folder)
        from torch.utils.cpp_extension import load
        print(f'[wildpose.ops] building the compiled ops just in time (CPU'
              f'{" + CUDA" if with_cuda else ""}; once, about a minute) in {folder}',
              file=sys.stderr, flush=True)
        load(name=JIT_NAME, sources=_build.sources(with_cuda),
             extra_cflags=_build.cxx_flags(with_cuda),
             extra_cuda_cflags=_build.nvcc_flags() if with_cuda else None,
             extra_ldflags=_build.ldflags(), build_directory=str(folder),
             with_cuda=with_cuda, is_python_module=False, verbose=False)
    except Exception as exc:  # compiler missing, compile error, ninja missing, ...
        lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
        detail = (' | '.join(lines[-3:]) if lines else type(exc).__name__).rstrip('.')
        lib.notes.append(f'just-in-time build in {folder} failed: {detail}')
        try:
            failed.write_text(detail + '\n')
        except OSError:
            pass
        return False
    lib.loaded, lib.kind, lib.path = True, 'jit', str(target)
    if not with_cuda and torch.version.cuda is not None:
        lib.notes.append(f'CUDA kernels not built: {cuda_note}')
    return True


def _register_fake() -> None:
    """Shape-only versions of the ops, so that torch.compile can trace through them."""
    register = getattr(torch.library, 'register_fake', None)
    if register is None:
        return

    from .arguments import check_same_device

    def sa_forward(heatmaps, beta):
        b, j = heatmaps.shape[:2]
        return (heatmaps.new_empty((b, j, 2)), heatmaps.new_empty((b, j)),
                heatmaps.new_empty((b, j)))

    def sa_backward(grad_coords, grad_conf, heatmaps, coords, maxv, inv, beta):
        check_same_device('soft_argmax_backward', dict(
            heatmaps=heatmaps, grad_coords=grad_coords, grad_conf=grad_conf, coords=coords,
            max=maxv, inv_sum=inv))
        return torch.empty_like(heatmaps, memory_format=torch.contiguous_format)

    def br_forward(xy, z, visible, has_3d, parents, children, weights, group_ids):
        check_same_device('bone_ratio_loss', dict(xy=xy, z=z, visible=visible, has_3d=has_3d,
                                                  parents=parents))
        return z.new_empty(())

    def br_backward(grad, xy, z, visible, has_3d, parents, children, weights, group_ids):
        check_same_device('bone_ratio_loss_backward', dict(
            xy=xy, grad_loss=grad, z=z, visible=visible, has_3d=has_3d, parents=parents))
        return xy.new_empty(xy.shape, dtype=z.dtype), z.new_empty(z.shape)

    for name, fn in (('soft_argmax_forward', sa_forward), ('soft_argmax_backward', sa_backward),
                     ('bone_ratio_loss_forward', br_forward),
                     ('bone_ratio_loss_backward', br_backward)):
        try:
            register(f'wildpose::{name}', fn)
        except Exception:  # already registered, or an older torch: tracing is optional
            pass


def load() -> Library:
    """Loads the compiled library (first call only) and returns what happened."""
    global _library
    if _library is not None:
        return _library
    with _lock:
        if _library is None:
            lib = Library()
            want = _build.source_hash()
            if _try_aot(lib, want) or _try_jit(lib, want):
                try:
                    lib.info = str(torch.ops.wildpose.build_info())
                except Exception as exc:  # an incompatible library under our namespace
                    lib.notes.append(f'the loaded library has no build_info: {exc}')
                lib.cuda = ';cuda=1' in lib.info
                _register_fake()
            _library = lib
    return _library


def compiled_for(device: torch.device) -> bool:
    """Whether the compiled kernels serve tensors on ``device`` now (loads on first use).

    Warns once per process when no compiled build could be loaded; raises instead under
    ``WILDPOSE_OPS=compiled`` (also for a device the build has no kernels for).
    """
    current = mode()
    if current == 'reference':
        return False
    lib = load()
    if not lib.loaded:
        if current == 'compiled':
            raise RuntimeError(f'${ENV_MODE}=compiled but no compiled wildpose ops could be '
                               f'loaded: {"; ".join(lib.notes)}')
        _warn_fallback(lib)
        return False
    if device.type == 'cpu':
        return True
    if device.type == 'cuda' and lib.cuda:
        return True
    if current == 'compiled':
        raise RuntimeError(f'${ENV_MODE}=compiled but the loaded {lib.kind} build has no '
                           f'kernels for {device.type} tensors ({lib.info})')
    return False


def _warn_fallback(lib: Library) -> None:
    global _warned
    if _warned:
        return
    _warned = True
    warnings.warn('wildpose.ops: no compiled ops could be loaded, so soft_argmax and '
                  'bone_ratio_loss run their pure-PyTorch references (correct, slower). '
                  f'Why: {"; ".join(lib.notes)}. Run `python -m wildpose.ops` for details; '
                  f'set {ENV_MODE}=reference to choose the references without this warning.',
                  RuntimeWarning, stacklevel=5)  # the caller of the op
