"""Evaluate a trained checkpoint.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--out preds.pkl]
        [--cfg-options key=value ...] [--launcher ...]

Metrics are printed, logged and written to ``<work_dir>/metrics.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))  # run from a checkout


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from mmengine.config import DictAction

    parser = argparse.ArgumentParser(description='Evaluate a wildpose model')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='where the logs and metrics.json go')
    parser.add_argument('--out', help='also dump the raw predictions to this .pkl file')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    from mmengine.config import Config
    from mmengine.runner import Runner

    from wildpose.engine.checkpoint import check_checkpoint
    from wildpose.engine.config_check import check_top_level_keys
    from wildpose.utils import allow_mmengine_checkpoints, register_all_modules

    register_all_modules()
    allow_mmengine_checkpoints()
    if not osp.isfile(args.config):
        raise FileNotFoundError(f'config file not found: {args.config}')
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    check_top_level_keys(cfg)
    cfg.launcher = args.launcher
    cfg.work_dir = args.work_dir or cfg.get('work_dir') or osp.join(
        'work_dirs', osp.splitext(osp.basename(args.config))[0])
    cfg.load_from = args.checkpoint
    cfg.resume = False
    if args.out:
        cfg.test_evaluator = list(cfg.test_evaluator) if isinstance(
            cfg.test_evaluator, (list, tuple)) else [cfg.test_evaluator]
        cfg.test_evaluator.append(dict(type='DumpResults', out_file_path=args.out))
    runner = Runner.from_cfg(cfg)
    check_checkpoint(args.checkpoint, runner.model)
    metrics = runner.test()
    metrics = {k: float(v) for k, v in metrics.items()}
    out_path = osp.join(cfg.work_dir, 'metrics.json')
    with open(out_path, 'w') as f:
        json.dump(metrics, f, indent=2, sort_keys=True)
    runner.logger.info(f'metrics written to {out_path}')
    return metrics


if __name__ == '__main__':
    main()
