"""Catch misspelt top-level config keys before mmengine silently ignores them."""
from __future__ import annotations

import difflib

from mmengine.config import Config

#: top-level keys that mmengine's Runner reads from a config
RUNNER_KEYS = (
    'model', 'work_dir', 'train_dataloader', 'val_dataloader', 'test_dataloader',
    'train_cfg', 'val_cfg', 'test_cfg', 'auto_scale_lr', 'optim_wrapper', 'param_scheduler',
    'val_evaluator', 'test_evaluator', 'default_hooks', 'custom_hooks', 'data_preprocessor',
    'load_from', 'resume', 'launcher', 'env_cfg', 'log_processor', 'log_level', 'visualizer',
    'default_scope', 'randomness', 'experiment_name', 'custom_imports', 'vis_backends')


def check_top_level_keys(cfg: Config, cutoff: float = 0.8) -> None:
    """Raise ``KeyError`` for a top-level key that looks like a misspelt Runner key.

    Configs may define their own variables (``data_root``, ``input_size``, ...), so only a
    key that is close to, but not equal to, a key the Runner reads is an error.
    """
    for key in cfg.keys():
        if key in RUNNER_KEYS:
            continue
        close = difflib.get_close_matches(key, RUNNER_KEYS, n=1, cutoff=cutoff)
        if close:
            raise KeyError(f"unknown config key '{key}' in {cfg.filename}: did you mean "
                           f"'{close[0]}'? (the Runner reads: {', '.join(RUNNER_KEYS)})")
