"""Recompute the metrics and the report from a prediction dump, without the model.

    python tools/analysis/recompute_report.py preds.npz [--out-dir DIR]
        [--config CONFIG] [--cfg-options key=value ...]

``preds.npz`` comes from ``tools/test.py ... --dump preds.npz``. The metrics are those
of the dump's recorded ``test_evaluator`` (or of ``--config``'s, to evaluate the same
predictions differently); the model, speed and environment sections are copied from
the original run. Writes ``metrics.json``, ``report.md`` and ``report.json`` into
``--out-dir`` (default: ``<dump folder>/recomputed``).
"""
from __future__ import annotations

import argparse
import json
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from mmengine.config import DictAction

    parser = argparse.ArgumentParser(description='Metrics and report from a dump')
    parser.add_argument('dump', help='.npz written by tools/test.py --dump')
    parser.add_argument('--out-dir', help='default: <dump folder>/recomputed')
    parser.add_argument('--config', help="use this config's test_evaluator instead of the "
                        "dump's")
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    return parser.parse_args(argv)


def evaluator_config(args: argparse.Namespace, meta: dict) -> list[dict]:
    from wildpose.evaluation.evaluator_config import numeric_metric_configs, with_per_joint

    if args.config:
        from mmengine.config import Config

        if not osp.isfile(args.config):
            raise FileNotFoundError(f'config file not found: {args.config}')
        cfg = Config.fromfile(args.config)
        cfg.merge_from_dict(args.cfg_options)
        if 'test_evaluator' not in cfg:
            raise KeyError(f"config {args.config} has no 'test_evaluator'")
        return with_per_joint(numeric_metric_configs(cfg.test_evaluator))  # as tools/test.py
    if 'test_evaluator' not in meta:
        raise KeyError(f"{args.dump}: the dump records no 'test_evaluator'; pass --config")
    return numeric_metric_configs(meta['test_evaluator'])


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    from wildpose.evaluation import evaluate_samples, load_dump
    from wildpose.evaluation.report import build_report, write_report
    from wildpose.utils import register_all_modules

    register_all_modules()
    from wildpose.evaluation.evaluator_config import metric_units

    samples, meta = load_dump(args.dump)
    evaluated = evaluator_config(args, meta)
    metrics = evaluate_samples(samples, evaluated)
    out_dir = args.out_dir or osp.join(osp.dirname(osp.abspath(args.dump)), 'recomputed')
    os.makedirs(out_dir, exist_ok=True)
    with open(osp.join(out_dir, 'metrics.json'), 'w') as f:
        json.dump(metrics, f, indent=2, sort_keys=True)
    run_meta = {k: v for k, v in meta.items()
                if k not in ('test_evaluator', 'model', 'speed', 'environment')}
    run_meta['recomputed_from'] = osp.abspath(args.dump)
    run_meta['note'] = 'model, speed and environment are those of the original test run'
    report = build_report(metrics, metric_units(evaluated), meta.get('model'),
                          meta.get('speed'), meta.get('environment'), run_meta)
    md_path, json_path = write_report(out_dir, report)
    print(f'{len(samples)} samples; metrics.json, {osp.basename(md_path)} and '
          f'{osp.basename(json_path)} written to {out_dir}')
    return metrics


if __name__ == '__main__':
    from wildpose.utils.cli import run_cli
    run_cli(main)
