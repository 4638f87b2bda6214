"""Fixtures of the ops tests: the compiled library (built once per machine, cached)."""
import pytest
import torch

from wildpose.ops import _loader


@pytest.fixture(autouse=True)
def _auto_mode(monkeypatch):
    """Every test starts in the default mode, whatever the caller's environment says."""
    monkeypatch.delenv(_loader.ENV_MODE, raising=False)


@pytest.fixture(scope='session')
def library() -> _loader.Library:
    """The loaded compiled ops; the tests that need them skip where none can be built."""
    lib = _loader.load()
    if not lib.loaded:
        pytest.skip('no compiled wildpose ops: ' + '; '.join(lib.notes))
    return lib


@pytest.fixture(scope='session')
def cuda_library(library) -> _loader.Library:
    if not torch.cuda.is_available():
        pytest.skip('no CUDA device')
    if not library.cuda:
        pytest.skip('the compiled ops were built without CUDA kernels')
    return library
