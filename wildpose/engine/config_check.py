"""Catch config mistakes before mmengine's Runner silently ignores or obscures them.

* :func:`check_top_level_keys`: a misspelt top-level key (``train_dataloder``) is an error.
* :func:`check_types`: every ``type`` is looked up in the registry that will build it,
  so an unknown name fails at once with the list of registered types.
"""
from __future__ import annotations

import difflib
from typing import Any, Iterable

from mmengine.config import Config

#: top-level keys that mmengine's Runner reads from a config
RUNNER_KEYS = (
    'model', 'work_dir', 'train_dataloader', 'val_dataloader', 'test_dataloader',
    'train_cfg', 'val_cfg', 'test_cfg', 'auto_scale_lr', 'optim_wrapper', 'param_scheduler',
    'val_evaluator', 'test_evaluator', 'default_hooks', 'custom_hooks', 'data_preprocessor',
    'load_from', 'resume', 'launcher', 'env_cfg', 'log_processor', 'log_level', 'visualizer',
    'default_scope', 'randomness', 'experiment_name', 'custom_imports', 'vis_backends',
    'load_from_may_differ')


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


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _datasets(dataset: Any) -> Iterable[dict]:
    """A dataset config and every dataset nested in wrappers (ConcatDataset, ...)."""
    for item in _as_list(dataset):
        if isinstance(item, dict):
            yield item
            yield from _datasets(item.get('datasets'))
            yield from _datasets(item.get('dataset'))


def check_types(cfg: Config) -> None:
    """Look every ``type`` of the config up in its registry before anything is built.

    Raises:
        KeyError: naming the unknown type, the config entry that holds it and the types
            registered in wildpose (from :func:`wildpose.registry.check_type`).
    """
    import mmengine.runner  # noqa: F401  (registers mmengine's hooks, optimisers, loops)

    from .. import registry as R

    def check(entry: str, item: Any, reg) -> None:
        try:
            R.check_type(item, reg)
        except KeyError as err:
            raise KeyError(f'{cfg.filename}: {entry}: {err.args[0]}') from None

    check('model', cfg.get('model'), R.MODELS)
    for split in ('train', 'val', 'test'):
        loader = cfg.get(f'{split}_dataloader')
        if not isinstance(loader, dict):
            continue
        check(f'{split}_dataloader.sampler', loader.get('sampler'), R.DATA_SAMPLERS)
        for ds in _datasets(loader.get('dataset')):
            check(f'{split}_dataloader.dataset', ds, R.DATASETS)
            for step in _as_list(ds.get('pipeline')):
                check(f'{split}_dataloader.dataset.pipeline', step, R.TRANSFORMS)
    from ..evaluation.evaluator_config import metric_configs
    for name in ('val_evaluator', 'test_evaluator'):
        evaluator = cfg.get(name)
        if evaluator is None:
            continue
        try:
            metrics = metric_configs(evaluator)
        except TypeError as err:
            raise TypeError(f'{cfg.filename}: {name}: {err}') from None
        for metric in metrics:
            check(name, metric, R.METRICS)
    for name, hook in (cfg.get('default_hooks') or {}).items():
        check(f'default_hooks.{name}', hook, R.HOOKS)
    for hook in _as_list(cfg.get('custom_hooks')):
        check('custom_hooks', hook, R.HOOKS)
    optim = cfg.get('optim_wrapper')
    if isinstance(optim, dict):
        check('optim_wrapper', optim, R.OPTIM_WRAPPERS)
        check('optim_wrapper.optimizer', optim.get('optimizer'), R.OPTIMIZERS)
    for sched in _as_list(cfg.get('param_scheduler')):
        check('param_scheduler', sched, R.PARAM_SCHEDULERS)


def sync_sampler_batch_size(cfg: Config) -> None:
    """A sampler that batches by itself (it declares ``batch_size_from_loader = True``,
    like ``MixedSourceSampler``) gets its data loader's batch size: written once, in the
    loader. A different value written in both places is an error.

    Raises:
        ValueError: naming the config, the loader and both sizes.
    """
    from .. import registry as R

    for split in ('train', 'val', 'test'):
        loader = cfg.get(f'{split}_dataloader')
        sampler = loader.get('sampler') if isinstance(loader, dict) else None
        if not isinstance(sampler, dict) or 'batch_size' not in loader:
            continue
        cls = sampler.get('type')
        cls = R.DATA_SAMPLERS.get(cls) if isinstance(cls, str) else cls
        if not getattr(cls, 'batch_size_from_loader', False):
            continue
        if sampler.get('batch_size', loader['batch_size']) != loader['batch_size']:
            raise ValueError(f"{cfg.filename}: {split}_dataloader.sampler.batch_size="
                             f"{sampler['batch_size']} differs from {split}_dataloader."
                             f"batch_size={loader['batch_size']}; set it once, in the loader")
        sampler['batch_size'] = loader['batch_size']
