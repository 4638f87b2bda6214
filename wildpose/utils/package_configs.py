"""Configs by package name: ``_base_ = ['wildpose::weak3d/hg_mixed_synth.py']``.

The configs ship inside the package, the way MMPose ships its own: ``wildpose/.mim/configs``
is a symbolic link to the repository's ``configs/`` (so an editable install sees the live
files; a built wheel holds copies). A config anywhere on disk can then inherit ours by
package name, and the tools accept ``wildpose::<path>`` as their CONFIG argument.

mmengine 0.10.7 resolves ``package::path`` with ``pkg_resources`` (gone from setuptools
81 and later) and, for PEP 660 editable installs, looks in a ``site-packages/wildpose``
folder that does not exist. :func:`enable_package_configs` (called on ``import
wildpose``) therefore resolves the ``wildpose::`` prefix itself and hands every other
path to mmengine unchanged.
"""
from __future__ import annotations

import os
import os.path as osp

PREFIX = 'wildpose::'
_PACKAGE_DIR = osp.dirname(osp.dirname(osp.abspath(__file__)))


def package_config_dir() -> str:
    """The folder that ``wildpose::`` paths are relative to.

    ``<package>/.mim/configs``; where that link is missing (a checkout on a file system
    without symbolic links) the repository's ``configs/`` beside the package.
    """
    shipped = osp.join(_PACKAGE_DIR, '.mim', 'configs')
    if osp.isdir(shipped):
        return shipped
    checkout = osp.join(osp.dirname(_PACKAGE_DIR), 'configs')
    if osp.isdir(checkout):
        return checkout
    raise FileNotFoundError(f'wildpose configs not found: neither {shipped} nor {checkout} '
                            'exists; reinstall wildpose')


def is_package_config(path: str) -> bool:
    return isinstance(path, str) and path.startswith(PREFIX)


def resolve_config_path(path: str) -> str:
    """``wildpose::weak3d/x.py`` -> the absolute path of the shipped file; any other
    path is returned unchanged.

    Raises:
        FileNotFoundError: naming the path and the configs of the same folder.
    """
    if not is_package_config(path):
        return path
    relative = path[len(PREFIX):]
    root = package_config_dir()
    full = osp.normpath(osp.join(root, relative))
    if not full.startswith(osp.normpath(root) + os.sep):
        raise FileNotFoundError(f'{path}: the path leaves the wildpose configs folder')
    if not osp.isfile(full):
        folder = osp.dirname(full)
        known = sorted(f for f in os.listdir(folder) if f.endswith('.py')) \
            if osp.isdir(folder) else []
        hint = (f'configs in {osp.dirname(relative) or "."}/: {", ".join(known)}' if known
                else f'folders: {", ".join(sorted(os.listdir(root)))}')
        raise FileNotFoundError(f'config not found: {path} ({hint})')
    return full


def enable_package_configs() -> None:
    """Let mmengine's ``Config`` resolve ``wildpose::`` paths (idempotent).

    Wraps ``Config._get_cfg_path``: a ``wildpose::`` path becomes the shipped file with
    scope ``'wildpose'`` (mmengine then sets ``_scope_='wildpose'`` on the inherited
    entries, as it does for any package config); other paths go to mmengine.
    """
    from mmengine.config import Config
    from mmengine.config.utils import MODULE2PACKAGE

    MODULE2PACKAGE.setdefault('wildpose', 'wildpose')
    original = Config._get_cfg_path
    if getattr(original, '_wildpose', False):
        return

    def _get_cfg_path(cfg_path: str, filename: str):
        if is_package_config(cfg_path):
            return resolve_config_path(cfg_path), 'wildpose'
        return original(cfg_path, filename)

    _get_cfg_path._wildpose = True  # type: ignore[attr-defined]
    Config._get_cfg_path = staticmethod(_get_cfg_path)
