"""Read every sample of a config's dataset through its pipeline and report the bad ones.

    python tools/misc/check_dataset.py CONFIG [--split train|val|test]
        [--max-samples N] [--cfg-options key=value ...]

For each dataset of the split's dataloader (every part of a ``ConcatDataset``) it checks
each sample the way training would meet it: the load-time checks of
:mod:`wildpose.datasets.sample_checks` (empty or negative box, a 3D sample without a
labelled bone), then the whole pipeline (image readable, targets computable). The readers
are built with ``bad_sample='keep'`` and ``missing_image='unchecked'`` so that nothing is
dropped before it is reported. Each bad sample gets one line: file, index, field, why;
then a summary by field. Exit status 0 when every sample is good, 1 otherwise (2 for a
file that cannot be read at all, as the other tools).
"""
from __future__ import annotations

import argparse
import copy
import os.path as osp
import re
import sys
from collections import Counter

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from mmengine.config import DictAction

    parser = argparse.ArgumentParser(description='Check every sample of a dataset')
    parser.add_argument('config', help='config file')
    parser.add_argument('--split', choices=['train', 'val', 'test'], default='train')
    parser.add_argument('--max-samples', type=int, default=None,
                        help='check only the first N samples of each dataset')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    return parser.parse_args(argv)


def keep_everything(dataset_cfg) -> None:
    """Set bad_sample='keep' and missing_image='unchecked' on every wildpose reader in a
    (possibly nested) dataset config."""
    from wildpose.datasets.sample_checks import SampleChecksMixin
    from wildpose.registry import DATASETS

    items = dataset_cfg if isinstance(dataset_cfg, (list, tuple)) else [dataset_cfg]
    for item in items:
        if not isinstance(item, dict):
            continue
        cls = DATASETS.get(item.get('type')) if isinstance(item.get('type'), str) else None
        if isinstance(cls, type) and issubclass(cls, SampleChecksMixin):
            item['bad_sample'] = 'keep'
            item['missing_image'] = 'unchecked'
        for key in ('dataset', 'datasets'):
            if item.get(key) is not None:
                keep_everything(item[key])


def leaves(dataset) -> list:
    """The datasets that hold samples (the parts of ConcatDataset, recursively)."""
    inner = getattr(dataset, 'datasets', None)
    if inner is not None:
        return [leaf for d in inner for leaf in leaves(d)]
    inner = getattr(dataset, 'dataset', None)
    return leaves(inner) if inner is not None else [dataset]


def _field(message: str, err: BaseException) -> str:
    found = re.search(r"field[s]? '([^']+)'", message) or re.match(r"(\w+) '", message)
    return found.group(1) if found else type(err).__name__


def check(dataset, max_samples: int | None, report, bar) -> list[tuple[str, str]]:
    """Report each bad sample of one dataset; returns (file, field) per bad sample."""
    from wildpose.datasets.sample_checks import describe, find_problems
    from wildpose.utils.cli import one_line

    source = getattr(dataset, 'ann_file', type(dataset).__name__)
    count = len(dataset) if max_samples is None else min(len(dataset), max_samples)
    infos = [dataset.get_data_info(i) for i in range(count)]
    bad: dict[int, tuple[str, str]] = {i: (f, why) for i, f, why in find_problems(infos)}
    for i, info in enumerate(infos):
        if i not in bad:
            try:
                if dataset.pipeline(copy.deepcopy(info)) is None:
                    bad[i] = ('pipeline', 'a transform dropped the sample')
            except Exception as err:  # report every failure, go on with the next sample
                message = one_line(err)
                bad[i] = (_field(message, err), f'{type(err).__name__}: {message}')
        if i in bad:
            field, why = bad[i]
            report(f"{source}: {describe(info, i)}: field '{field}': {why}")
        bar.update()
    return [(source, bad[i][0]) for i in sorted(bad)]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from mmengine.utils import ProgressBar

    from wildpose.engine.config_loader import load_config
    from wildpose.registry import DATASETS
    from wildpose.utils import register_all_modules

    register_all_modules()
    cfg = load_config(args.config, args.cfg_options)
    loader = cfg.get(f'{args.split}_dataloader')
    if not loader or 'dataset' not in loader:
        raise KeyError(f"{args.config}: no '{args.split}_dataloader.dataset' to check")
    dataset_cfg = copy.deepcopy(loader['dataset'])
    keep_everything(dataset_cfg)
    parts = leaves(DATASETS.build(dataset_cfg))
    total = sum(len(d) if args.max_samples is None else min(len(d), args.max_samples)
                for d in parts)
    bar = ProgressBar(total, file=sys.stderr)
    lines: list[str] = []
    bad = []
    for part in parts:
        bad += check(part, args.max_samples, lines.append, bar)
    print(file=sys.stderr)
    for line in lines:
        print(line)
    by_field = Counter(field for _, field in bad)
    summary = ', '.join(f'{field}: {n}' for field, n in by_field.most_common())
    print(f'checked {total} samples in {len(parts)} dataset(s) of the {args.split} split: '
          f'{len(bad)} bad' + (f' ({summary})' if bad else ''))
    return 1 if bad else 0


if __name__ == '__main__':
    from wildpose.utils.cli import run_cli
    sys.exit(run_cli(main))
