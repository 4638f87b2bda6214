"""Read a config for the command-line tools: overrides, checks and the work dir."""
from __future__ import annotations

import copy
import os.path as osp

from mmengine.config import Config

from ..utils.package_configs import resolve_config_path
from .config_check import check_top_level_keys, check_types, sync_sampler_batch_size
from .data_root import override_data_root
from .distributed import prepare_distributed


def load_config(path: str | Config, cfg_options: dict | None = None,
                work_dir: str | None = None, launcher: str = 'none') -> Config:
    """Load ``path`` (or copy a ``Config``), apply ``--cfg-options`` and check the result.

    The one config loader: the command-line tools and ``wildpose.apis`` use it.

    * ``data_root`` given in ``cfg_options`` reaches every dataset of the config;
    * misspelt top-level keys and unknown registry types raise ``KeyError`` naming them;
    * ``work_dir`` defaults to ``work_dirs/<config name>``;
    * for a distributed ``launcher``, the process-group backend follows the device
      (:func:`~wildpose.engine.distributed.prepare_distributed`).

    ``path`` may name a shipped config by package, ``wildpose::weak3d/hg_mixed.py``.

    Raises:
        FileNotFoundError: the config file does not exist.
    """
    if isinstance(path, Config):
        cfg = copy.deepcopy(path)
        path = cfg.filename or 'config'
    elif isinstance(path, str):
        path = resolve_config_path(path)
        if not osp.isfile(path):
            raise FileNotFoundError(f'config file not found: {path}')
        cfg = Config.fromfile(path)
    else:
        raise TypeError(f'config must be a path or an mmengine Config, got {type(path)}')
    old_root = cfg.get('data_root')
    cfg.merge_from_dict(cfg_options or {})
    override_data_root(cfg, cfg_options, old_root)
    check_top_level_keys(cfg)
    check_types(cfg)
    sync_sampler_batch_size(cfg)
    cfg.launcher = launcher
    prepare_distributed(cfg, launcher)
    cfg.work_dir = work_dir or cfg.get('work_dir') or osp.join(
        'work_dirs', osp.splitext(osp.basename(path))[0])
    return cfg
