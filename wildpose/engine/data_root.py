"""Make ``--cfg-options data_root=...`` reach every dataset of a config.

mmengine configs copy a variable's value where it is used, so overriding the top-level
``data_root`` after loading leaves the datasets' own ``data_root`` entries unchanged. The
tools call :func:`override_data_root` to pass the new value on.
"""
from __future__ import annotations

from typing import Any


def _replace(node: Any, old: str, new: str) -> int:
    count = 0
    if isinstance(node, dict):
        for key, value in node.items():
            if key == 'data_root' and value == old:
                node[key] = new
                count += 1
            else:
                count += _replace(value, old, new)
    elif isinstance(node, (list, tuple)):
        for value in node:
            count += _replace(value, old, new)
    return count


def override_data_root(cfg: Any, cfg_options: dict | None, old_root: str | None) -> int:
    """If ``cfg_options`` sets ``data_root``, replace every nested ``data_root`` equal to
    ``old_root`` (the config's value before the override) by the new one.

    Args:
        cfg: the mmengine ``Config`` (or a plain dict), already merged with ``cfg_options``.
        cfg_options: the ``--cfg-options`` dict.
        old_root: ``cfg.get('data_root')`` read before merging the options.

    Returns:
        How many entries were changed (0 when ``data_root`` was not overridden).
    """
    if not cfg_options or 'data_root' not in cfg_options or old_root is None:
        return 0
    new_root = cfg_options['data_root']
    if new_root == old_root:
        return 0
    root = getattr(cfg, '_cfg_dict', cfg)  # mmengine Config wraps a ConfigDict
    count = 0
    for key, value in root.items():
        if key != 'data_root':
            count += _replace(value, old_root, new_root)
    return count
