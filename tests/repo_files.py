"""Import a script of the repository (a tool under tools/, a helper under tests/) by its
path, for the tests that call a script's functions instead of running it. The one place
that does so: every test imports from here (``pythonpath = ["tests"]`` in pyproject)."""
from __future__ import annotations

import importlib.util
import os.path as osp
import sys
from types import ModuleType

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def load_script(relpath: str) -> ModuleType:
    """The module of ``relpath`` (from the repository root, e.g. ``'tools/demo.py'``),
    registered in ``sys.modules`` under a name of its own (dataclasses look it up)."""
    path = osp.join(REPO, relpath)
    if not osp.isfile(path):
        raise FileNotFoundError(f'load_script: no file {path}')
    name = '_wp_script_' + osp.splitext(relpath)[0].replace('/', '_').replace('.', '_')
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_tool(relpath: str) -> ModuleType:
    """A script of tools/ (``'analysis/sample_path.py'``) as a module."""
    return load_script(osp.join('tools', relpath))
