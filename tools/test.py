"""Evaluate a trained checkpoint and write the benchmark report.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--flip-test]
        [--fast] [--precision P] [--compile] [--dump preds.npz]
        [--show-dir DIR [--show-max N]] [--out preds.pkl]
        [--speed-iters N] [--speed-batch-size B] [--no-report] [--no-progress]
        [--cfg-options key=value ...] [--launcher ...]

Several processes: tools/dist_test.sh or tools/slurm_test.sh (docs/distributed.md); the
metrics are computed once, over all processes' predictions in dataset order.

Writes into the work dir (default ``work_dirs/<config name>``):

* ``metrics.json``: every metric, flat (``lab/mpjpe``, ``action/Walking/mpjpe``, ...);
* ``report.md`` and ``report.json``: the same numbers as tables (per split, action,
  scene, joint), the model's parameter count and FLOPs, its inference speed (images/s,
  ms/image, with batch size, device, threads and dtype) and the environment.

``--dump`` saves every sample's predictions (2D image px, 3D mm, scores), ground truth
and ids as an ``.npz`` of plain arrays; ``tools/analysis/recompute_report.py`` rebuilds
the metrics and the report from it without the model. ``--flip-test`` averages with
the mirrored crop (left/right swapped, depth included); the config switch is
``model.test_cfg.flip_test``. ``--show-dir`` saves pictures (2D skeleton beside the 3D
view) of the first ``--show-max`` samples of each domain. ``--fast`` tests the model
with batch norms folded, channels-last and bfloat16 (``FastInferenceHook``): its metrics,
dump and speed.
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

    from wildpose.models.fast_inference import add_speed_arguments

    parser = argparse.ArgumentParser(description='Evaluate a wildpose model')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='where the logs, metrics.json and the report go')
    parser.add_argument('--out', help='also dump mmengine DumpResults output to this .pkl')
    parser.add_argument('--dump', metavar='FILE',
                        help='save predictions, ground truth and ids to this .npz')
    parser.add_argument('--show-dir', help='save pictures of the first samples here')
    parser.add_argument('--show-max', type=int, default=20,
                        help='how many samples of each domain --show-dir draws (default 20)')
    parser.add_argument('--flip-test', action='store_true',
                        help='flip test-time augmentation (model.test_cfg.flip_test=True)')
    add_speed_arguments(parser)
    parser.add_argument('--speed-iters', type=int, default=20,
                        help='timed batches for the speed measurement (0: skip it)')
    parser.add_argument('--speed-batch-size', type=int, default=None,
                        help="batch size of the speed measurement (default: the test "
                        "dataloader's)")
    parser.add_argument('--speed-max-seconds', type=float, default=10.0,
                        help='stop timing after this many seconds (at least one batch)')
    parser.add_argument('--no-report', action='store_true',
                        help='only metrics.json: no report, FLOPs or speed measurement')
    parser.add_argument('--no-progress', action='store_true', help='no progress bar')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if args.show_max < 0 or args.speed_iters < 0:
        parser.error('--show-max and --speed-iters must be >= 0')
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def build_config(args: argparse.Namespace):
    from wildpose.engine.config_loader import load_config
    from wildpose.evaluation.evaluator_config import metric_configs, with_per_joint
    from wildpose.models.fast_inference import speed_options

    cfg = load_config(args.config, args.cfg_options, args.work_dir, args.launcher)
    cfg.load_from = args.checkpoint
    cfg.resume = False
    if args.flip_test:
        cfg.model.setdefault('test_cfg', {})
        cfg.model.test_cfg['flip_test'] = True
    # the report's per-joint tables, from every metric that offers them
    metrics = with_per_joint(metric_configs(cfg.test_evaluator))
    if args.dump:
        metrics.append(dict(type='PredictionCollector'))
    if args.out:
        metrics.append(dict(type='DumpResults', out_file_path=args.out))
    cfg.test_evaluator = metrics
    hooks = list(cfg.get('custom_hooks') or [])
    fast = speed_options(args)
    if fast is not None:
        hooks.append(dict(type='FastInferenceHook', **fast))
    if not args.no_progress:
        hooks.append(dict(type='ProgressBarHook'))
    if args.show_dir:
        hooks.append(dict(type='PoseVisualizationHook', out_dir=osp.abspath(args.show_dir),
                          max_samples=args.show_max))
    cfg.custom_hooks = hooks
    return cfg


def _input_size(cfg) -> tuple[int, int] | None:
    from wildpose.apis import inference_pipeline_config

    try:
        steps = inference_pipeline_config(cfg)
    except KeyError:
        return None
    for step in steps:
        if step.get('type') == 'TopdownAffine' and 'input_size' in step:
            return tuple(int(v) for v in step['input_size'])
    return None


def describe_run(runner, cfg, args: argparse.Namespace) -> dict:
    """Model size and cost, speed and environment for the report."""
    from mmengine.model import is_model_wrapper

    from wildpose.evaluation.profiling import (count_parameters, environment_info,
                                               measure_speed, model_complexity)

    model = runner.model.module if is_model_wrapper(runner.model) else runner.model
    flip = bool((getattr(model, 'test_cfg', None) or {}).get('flip_test', False))
    size = _input_size(cfg)
    info: dict = dict(environment=environment_info())
    if size is None:
        info['model'] = dict(params=count_parameters(model),
                             error='no TopdownAffine input_size in the test pipeline')
        return info
    info['model'] = model_complexity(model, size)
    if args.speed_iters > 0:
        batch = args.speed_batch_size or int(cfg.test_dataloader.get('batch_size', 1))
        runner.logger.info(f'measuring inference speed: batch {batch}, up to '
                           f'{args.speed_iters} batches')
        info['speed'] = measure_speed(model, size, batch, args.speed_iters, warmup=2,
                                      flip_test=flip, max_seconds=args.speed_max_seconds)
    return info


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    from wildpose.engine.distributed import distributed_run
    from wildpose.engine.runner import WildposeRunner
    from wildpose.utils import allow_mmengine_checkpoints, register_all_modules

    register_all_modules()
    allow_mmengine_checkpoints()
    cfg = build_config(args)
    with distributed_run(cfg):  # the main rank leaves it after its report
        return test_and_report(WildposeRunner.from_cfg(cfg), cfg, args, argv)


def test_and_report(runner, cfg, args: argparse.Namespace,
                    argv: list[str] | None) -> dict:
    """Test, then (main process only) write metrics.json, the dump and the report."""
    from mmengine.dist import is_main_process

    metrics = runner.test()
    metrics = {k: float(v) for k, v in metrics.items()}
    if not is_main_process():
        return metrics
    out_path = osp.join(cfg.work_dir, 'metrics.json')
    with open(out_path, 'w') as f:
        json.dump(metrics, f, indent=2, sort_keys=True)
    runner.logger.info(f'metrics written to {out_path}')

    flip = bool(cfg.model.get('test_cfg', {}).get('flip_test', False))
    meta = dict(config=osp.abspath(args.config), checkpoint=osp.abspath(args.checkpoint),
                test_samples=len(runner.test_dataloader.dataset), flip_test=flip,
                command=' '.join(['tools/test.py'] + (argv if argv is not None
                                                      else sys.argv[1:])))
    info = {} if args.no_report else describe_run(runner, cfg, args)
    from wildpose.evaluation.evaluator_config import metric_units, numeric_metric_configs

    evaluated = numeric_metric_configs(cfg.test_evaluator)
    if args.dump:
        from wildpose.evaluation import PredictionCollector, save_dump

        collector = next(m for m in runner.test_evaluator.metrics
                         if isinstance(m, PredictionCollector))
        save_dump(args.dump, collector.samples,
                  meta=dict(meta, test_evaluator=evaluated, **info))
        runner.logger.info(f'{len(collector.samples)} predictions dumped to {args.dump}')
    if not args.no_report:
        from wildpose.evaluation.report import build_report, write_report

        report = build_report(metrics, metric_units(evaluated), info.get('model'),
                              info.get('speed'), info.get('environment'), meta)
        md_path, json_path = write_report(cfg.work_dir, report)
        runner.logger.info(f'report written to {md_path} and {json_path}')
    return metrics


if __name__ == '__main__':
    from wildpose.utils.cli import run_cli
    run_cli(main)
