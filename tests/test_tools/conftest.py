"""Shared fixtures of the tools' tests."""
from __future__ import annotations

from types import ModuleType
from typing import Callable

import pytest
from repo_files import load_tool as _load_tool


@pytest.fixture(scope='session')
def load_tool() -> Callable[[str], ModuleType]:
    """``load_tool('analysis/sample_path.py')``: a script of tools/ as a module."""
    return _load_tool
