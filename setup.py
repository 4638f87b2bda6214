"""Package install, with an ahead-of-time build of the compiled ops where possible.

The metadata lives in setup.cfg. This file only adds the extension ``wildpose.ops._C``
(C++ kernels; CUDA kernels too when torch has CUDA and nvcc is found), built with
torch.utils.cpp_extension. That needs torch at build time, so install with
``pip install --no-build-isolation -e .`` (tools/setup_env.sh does). Without torch, or
when the build fails, the install still succeeds with a warning: the ops then build just
in time on first use, or run their pure-PyTorch references (see wildpose/ops/_loader.py).

Environment: WILDPOSE_OPS_BUILD=0 skips the build; WILDPOSE_OPS_CUDA=0 builds the CPU
kernels only; MAX_JOBS bounds parallel compile jobs (ninja); TORCH_CUDA_ARCH_LIST picks
the GPU architectures.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).resolve().parent


def _warn(message: str) -> None:
    print(f'WARNING (wildpose setup.py): {message}', file=sys.stderr, flush=True)


def _build_description():
    """wildpose/ops/_build.py, loaded by path: it imports neither torch nor wildpose."""
    spec = importlib.util.spec_from_file_location('_wildpose_ops_build',
                                                  HERE / 'wildpose' / 'ops' / '_build.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _extension_kwargs() -> dict:
    if os.environ.get('WILDPOSE_OPS_BUILD', '1').strip() == '0':
        _warn('WILDPOSE_OPS_BUILD=0: compiled ops not built ahead of time')
        return {}
    try:
        import torch
        from torch.utils.cpp_extension import (CUDA_HOME, BuildExtension, CppExtension,
                                               CUDAExtension)
    except Exception as exc:  # torch missing or broken: the package itself needs no build
        _warn(f'torch is not importable at build time ({exc}); the compiled ops will be '
              f'built just in time on first use, or fall back to the references. Install '
              f'with `pip install --no-build-isolation` after torch for an ahead-of-time build.')
        return {}
    build = _build_description()
    with_cuda = (torch.version.cuda is not None and CUDA_HOME is not None
                 and os.environ.get('WILDPOSE_OPS_CUDA', '1').strip() != '0')
    sources = [str(Path(p).relative_to(HERE)) for p in build.sources(with_cuda)]
    compile_args = {'cxx': build.cxx_flags(with_cuda)}
    if with_cuda:
        compile_args['nvcc'] = build.nvcc_flags()
    factory = CUDAExtension if with_cuda else CppExtension
    extension = factory(build.AOT_MODULE, sources, extra_compile_args=compile_args,
                        extra_link_args=build.ldflags())

    class OptionalBuildExtension(BuildExtension):
        """Builds the ops if it can; a failure is a warning, never a failed install."""

        def run(self):
            try:
                super().run()
            except Exception as exc:
                _warn(f'building the compiled ops failed ({exc}); they will be built just '
                      f'in time on first use, or fall back to the references')

        def build_extension(self, ext):
            try:
                super().build_extension(ext)
            except Exception as exc:
                _warn(f'building {ext.name} failed ({exc}); it will be built just in time '
                      f'on first use, or fall back to the references')

        def get_outputs(self):  # only what was built (an editable install maps these)
            return [path for path in super().get_outputs() if os.path.exists(path)]

    print(f'wildpose setup.py: building {build.AOT_MODULE} (CPU'
          f'{" + CUDA" if with_cuda else ""}) with torch {torch.__version__}',
          file=sys.stderr, flush=True)
    return {'ext_modules': [extension],
            'cmdclass': {'build_ext': OptionalBuildExtension.with_options(use_ninja=True)}}


setup(**_extension_kwargs())
