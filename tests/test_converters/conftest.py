"""The test-only re-creation of the authors' network (tests/data/hg3d_original)."""
from __future__ import annotations

import os.path as osp
import sys
from types import SimpleNamespace

import pytest

ORIGINAL = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'data', 'hg3d_original')
_MODULES = ('models', 'torch03_writer', 'random_weights')


@pytest.fixture(scope='session')
def original():
    """``random_network(n_stack, n_modules, n_feats, n_reg, seed)`` of ``models.hg_3d``
    (importable under the authors' module name, so that pickles name the classes as
    theirs do) and ``save_like_torch_0_3(model, path)``."""
    sys.path.insert(0, ORIGINAL)
    try:
        from random_weights import random_network
        from torch03_writer import save_like_torch_0_3
        yield SimpleNamespace(random_network=random_network,
                              save_like_torch_0_3=save_like_torch_0_3)
    finally:
        sys.path.remove(ORIGINAL)
        for name in [m for m in sys.modules if m.split('.')[0] in _MODULES]:
            del sys.modules[name]
