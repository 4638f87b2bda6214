"""Shared fixtures of the tools' tests."""
from __future__ import annotations

import importlib.util
import os.path as osp
from types import ModuleType
from typing import Callable

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _load(relpath: str) -> ModuleType:
    """Import a script of tools/ (``'analysis/sample_path.py'``) as a module."""
    name = '_tool_' + osp.splitext(relpath)[0].replace('/', '_')
    spec = importlib.util.spec_from_file_location(name, osp.join(REPO, 'tools', relpath))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='session')
def load_tool() -> Callable[[str], ModuleType]:
    return _load
