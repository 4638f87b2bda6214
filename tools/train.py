"""Train a wildpose model from a config.

    python tools/train.py configs/weak3d/hg_mixed_synth.py [--work-dir DIR] [--resume [CKPT]]
        [--amp] [--auto-scale-lr] [--no-validate] [--cfg-options key=value ...]
        [--launcher none|pytorch|slurm|mpi]

Several processes: tools/dist_train.sh (torchrun) or tools/slurm_train.sh (srun); see
docs/distributed.md.
"""
from __future__ import annotations

import argparse
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))  # run from a checkout


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from mmengine.config import DictAction

    parser = argparse.ArgumentParser(description='Train a wildpose model')
    parser.add_argument('config', help='config file (mmengine Python format)')
    parser.add_argument('--work-dir', help='where logs and checkpoints go '
                        '(default: work_dirs/<config name>)')
    parser.add_argument('--load-from', metavar='CKPT',
                        help="start from these weights (the previous stage's checkpoint); "
                        'optimiser and schedule start afresh')
    parser.add_argument('--resume', nargs='?', const='auto', default=None,
                        help='resume from CKPT, or from the latest checkpoint in the work dir '
                        'when no path is given')
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision: AmpOptimWrapper (bf16 or fp16) on a GPU, '
                        'bfloat16 autocast (AutocastOptimWrapper) on a CPU')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help="scale the learning rate by the total batch size (processes x "
                        "the config's batch size) over the config's batch size")
    parser.add_argument('--no-validate', action='store_true',
                        help='no validation during training (the config\'s val_cfg, '
                        'val_dataloader and val_evaluator are dropped): for a run that '
                        'tools/test.py evaluates right after, as tools/quickstart.sh does')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                        help='override config entries, e.g. train_cfg.max_epochs=2')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher for distributed training')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def build_config(args: argparse.Namespace):
    from wildpose.engine.config_loader import load_config

    cfg = load_config(args.config, args.cfg_options, args.work_dir, args.launcher)
    if args.amp:
        import torch

        from wildpose.engine import amp_optim_wrapper
        device_type = 'cuda' if torch.cuda.is_available() else 'cpu'
        cfg.optim_wrapper = amp_optim_wrapper(cfg.optim_wrapper, device_type)
    if args.auto_scale_lr:
        # the config's batch size is the one-process reference: N processes scale lr by N
        cfg.auto_scale_lr = dict(enable=True,
                                 base_batch_size=int(cfg.train_dataloader.batch_size))
    if args.no_validate:  # mmengine builds no validation loop when all three are None
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    if args.load_from is not None:
        if args.resume is not None:
            raise ValueError('give --load-from (new run from weights) or --resume (continue '
                             'a run), not both')
        cfg.load_from = args.load_from
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    return cfg


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)

    from wildpose.engine.distributed import distributed_run
    from wildpose.engine.runner import WildposeRunner
    from wildpose.utils import allow_mmengine_checkpoints, register_all_modules

    register_all_modules()
    allow_mmengine_checkpoints()
    cfg = build_config(args)
    with distributed_run(cfg):
        WildposeRunner.from_cfg(cfg).train()


if __name__ == '__main__':
    from wildpose.utils.cli import run_cli
    run_cli(main)
