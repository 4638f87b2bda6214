"""The files one sample passes through: config to loss (train) or config to metric (test).

    python tools/analysis/sample_path.py CONFIG [--mode train|test] [--markdown]

Builds the config's first training (or test) dataset, the model and (for ``test``) the
evaluator, then follows one sample: ``dataset[i]`` (loading and the pipeline), the
model's data preprocessor and ``loss`` (train) or ``predict`` and the metrics'
``process``/``compute_metrics`` (test). Every file of ``wildpose/`` whose code runs on the
way is listed, in the order first entered, after the config files (the config and its
``_base_`` chain) and the tool script that starts the job. Package ``__init__`` files,
the registry and checks done once at start-up are not on a sample's path and are left
out; ``docs/architecture.md`` lists the result. Needs the config's data (the synthetic
benchmark is generated on first use).
"""
from __future__ import annotations

import argparse
import ast
import os.path as osp
import sys
from typing import Callable

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

PACKAGE = osp.join(REPO, 'wildpose')
NOT_ON_THE_PATH = ('__init__.py', 'registry.py')


def config_chain(path: str) -> list[str]:
    """The config file and every ``_base_`` it inherits (depth first), repository-relative."""
    from wildpose.utils.package_configs import resolve_config_path

    path = osp.abspath(resolve_config_path(path))
    tree = ast.parse(open(path, encoding='utf-8').read(), path)
    bases: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == '_base_' for t in node.targets):
            value = ast.literal_eval(node.value)
            bases = [value] if isinstance(value, str) else list(value)
    out = [osp.relpath(path, REPO)]
    for base in bases:
        target = base if '::' in base else osp.join(osp.dirname(path), base)
        out += [p for p in config_chain(target) if p not in out]
    return out


def files_run_by(fn: Callable[[], object]) -> list[str]:
    """Repository-relative files of ``wildpose/`` whose functions ``fn`` calls, in order."""
    seen: dict[str, None] = {}

    def profile(frame, event, arg):
        if event == 'call':
            name = frame.f_code.co_filename
            if name.startswith(PACKAGE) and osp.basename(name) not in NOT_ON_THE_PATH:
                seen.setdefault(osp.relpath(name, REPO))

    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return list(seen)


def _dataset_and_first_index(cfg_loader: dict) -> tuple:
    """The loader's dataset and the first index its sampler draws."""
    from wildpose.registry import DATA_SAMPLERS, DATASETS

    dataset = DATASETS.build(cfg_loader['dataset'])
    sampler = DATA_SAMPLERS.build(cfg_loader['sampler'], default_args=dict(dataset=dataset))
    return dataset, sampler


def follow(config: str, mode: str) -> dict[str, list[str]]:
    """``{'config': [...], 'tool': [...], 'wildpose': [...]}`` for one sample in ``mode``."""
    from mmengine.dataset import pseudo_collate
    from mmengine.registry import init_default_scope

    from wildpose.engine.config_loader import load_config
    from wildpose.registry import METRICS, MODELS

    cfg = load_config(config)
    init_default_scope(cfg.get('default_scope', 'wildpose'))
    model = MODELS.build(cfg.model)
    if mode == 'train':
        dataset, sampler = _dataset_and_first_index(cfg.train_dataloader)
        model.train()

        def one_sample():
            index = next(iter(sampler))
            batch = model.data_preprocessor(pseudo_collate([dataset[index]]), True)
            return model(**batch, mode='loss')
    else:
        dataset, sampler = _dataset_and_first_index(cfg.test_dataloader)
        evaluators = cfg.test_evaluator
        metrics = [METRICS.build(m) for m in (
            evaluators if isinstance(evaluators, (list, tuple)) else [evaluators])]
        for metric in metrics:
            metric.dataset_meta = dataset.metainfo
        model.eval()

        def one_sample():
            import torch

            index = next(iter(sampler))
            with torch.no_grad():
                batch = model.data_preprocessor(pseudo_collate([dataset[index]]), False)
                outputs = model(**batch, mode='predict')
            for metric in metrics:
                metric.process([], [o.to_dict() for o in outputs])
                metric.compute_metrics(metric.results)

    one_sample()  # once untraced: lazy set-up (the ops library, caches) is not the path
    tool = 'tools/train.py' if mode == 'train' else 'tools/test.py'
    return dict(config=config_chain(config), tool=[tool], wildpose=files_run_by(one_sample))


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('--mode', choices=('train', 'test'), default='train')
    parser.add_argument('--markdown', action='store_true', help='a numbered markdown list')
    args = parser.parse_args(argv)
    path = follow(args.config, args.mode)
    files = path['config'] + path['tool'] + path['wildpose']
    goal = 'loss' if args.mode == 'train' else 'metric'
    print(f'{len(files)} files from config to {goal} ({len(path["config"])} config, '
          f'1 tool, {len(path["wildpose"])} in wildpose/):')
    for i, f in enumerate(files, 1):
        print(f'{i}. `{f}`' if args.markdown else f'  {f}')
    return path


if __name__ == '__main__':
    from wildpose.utils.cli import run_cli
    run_cli(main)
