"""Speed of a config's network on this machine: every fast path against plain fp32 eager.

    python tools/analysis/benchmark.py CONFIG [--mode infer|train|both] [--batch-size N]
        [--threads N] [--device cpu|cuda] [--rounds R] [--compile] [--json OUT]
        [--pipeline] [--iteration [CONFIG ...]] [--op-profile VARIANT] [--markdown OUT]

In one run, after warm-up, it measures the median images/s of each variant, the
variants taking turns round by round (so a change in the machine's load hits them all):

* infer: plain fp32 eager as built from the config (``channels_last=False``), then
  channels-last, batch norm folded into the convolutions, bfloat16 autocast, bfloat16
  weights, their combinations, float16 autocast (CUDA) and ``torch.compile``
  (``--compile``; compiling takes minutes on a CPU);
* train: one optimiser step of the estimator's ``train_step`` (preprocess, forward,
  losses, backward, optimiser) in fp32, channels-last, bfloat16 autocast
  (``AutocastOptimWrapper``), AMP (CUDA) and ``torch.compile``.

Each row has the FLOPs per image (2 x multiply-adds of the network forward; a training
step counts 3x), the achieved GFLOP/s and its ratio to the matrix-multiply peak of the
variant's precision measured in the same run, and the speed-up over plain fp32 eager.
The training batches are real samples: synthetic people rendered, written as JPEG and
sent through the config's own training pipelines (no dataset needed).

``--pipeline`` also times the training data pipeline alone (samples/s of one worker);
``--iteration`` trains a few iterations of the config (and of any extra configs given,
for comparison in the same run) exactly as ``tools/train.py`` does and breaks one
iteration down (data wait, preprocess, forward, losses, backward, optimiser, hooks).
``--op-profile VARIANT`` runs a few training steps of one train variant under
``torch.profiler`` and sums the operators' own time by kind (convolutions, batch norm,
ReLU, additions, pooling and up-sampling, casts and copies, the optimiser, the rest).
``--json`` writes a list of rows ``{"variant", "mode", "images_per_s", ...}``.
"""
from __future__ import annotations

import argparse
import os.path as osp
import platform
import sys
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
sys.path.insert(0, osp.dirname(osp.abspath(__file__)))  # benchmark_variants, when imported

import torch  # noqa: E402

from benchmark_variants import (INFER_VARIANTS, TRAIN_VARIANTS, build_variant,  # noqa: E402
                                training_batch)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('config')
    p.add_argument('--mode', choices=['infer', 'train', 'both'], default='both')
    p.add_argument('--batch-size', type=int, default=None,
                   help="default: the config's training batch size")
    p.add_argument('--threads', type=int, default=None, help='torch threads (default: as is)')
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--rounds', type=int, default=5, help='timed rounds per variant')
    p.add_argument('--steps', type=int, default=3, help='timed steps per round')
    p.add_argument('--warmup', type=int, default=2, help='untimed steps per variant')
    p.add_argument('--compile', action='store_true', help='also torch.compile variants')
    p.add_argument('--variants', nargs='+', help='only these variants')
    p.add_argument('--pipeline', action='store_true', help='time the data pipeline alone')
    p.add_argument('--iteration', nargs='*', metavar='CONFIG', default=None,
                   help='profile whole training iterations of CONFIG and of these configs')
    p.add_argument('--iteration-iters', type=int, default=40)
    p.add_argument('--op-profile', metavar='VARIANT',
                   help='time per operator kind in training steps of this train variant')
    p.add_argument('--json', help='write the rows here')
    p.add_argument('--markdown', help='write the tables here')
    return p.parse_args(argv)


def _sync(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def matmul_peak(dtype: torch.dtype, device: torch.device, n: int = 2048,
                repeats: int = 5) -> float:
    """Matrix-multiply GFLOP/s of an n x n x n product in ``dtype`` (median of repeats)."""
    n = n if device.type == 'cpu' else 8192
    a = torch.randn(n, n, device=device).to(dtype)
    b = torch.randn(n, n, device=device).to(dtype)
    a @ b
    times = []
    for _ in range(repeats):
        _sync(device)
        start = time.perf_counter()
        a @ b
        _sync(device)
        times.append(time.perf_counter() - start)
    return 2 * n ** 3 / sorted(times)[len(times) // 2] / 1e9


def time_variants(variants: dict, rounds: int, steps: int, warmup: int,
                  device: torch.device) -> dict[str, list[float]]:
    """Seconds per step of each variant, ``rounds`` x ``steps`` samples, interleaved."""
    for fn in variants.values():
        for _ in range(warmup):
            fn()
    _sync(device)
    times: dict[str, list[float]] = {k: [] for k in variants}
    for _ in range(rounds):
        for name, fn in variants.items():
            for _ in range(steps):
                _sync(device)
                start = time.perf_counter()
                fn()
                _sync(device)
                times[name].append(time.perf_counter() - start)
    return times


def _median(v: list[float]) -> float:
    v = sorted(v)
    return v[len(v) // 2]


def network_rows(cfg, args, device: torch.device, peaks: dict) -> list[dict]:
    from wildpose.evaluation.profiling import model_complexity
    from wildpose.registry import MODELS

    modes = ['infer', 'train'] if args.mode == 'both' else [args.mode]
    probe = MODELS.build(cfg.model)
    batch = training_batch(cfg, args.batch_size)
    h, w = batch['inputs'][0].shape[-2:]
    flops = model_complexity(probe, (w, h))['flops']
    del probe
    rows = []
    for mode in modes:
        table = INFER_VARIANTS if mode == 'infer' else TRAIN_VARIANTS
        names = [n for n in table if (args.variants is None or n in args.variants)
                 and (args.compile or 'compile' not in n)
                 and (device.type == 'cuda' or 'float16' not in n and 'amp' not in n)]
        fns, dtypes = {}, {}
        for name in names:
            print(f'[benchmark] building {mode} variant {name}', file=sys.stderr, flush=True)
            fns[name], dtypes[name] = build_variant(mode, name, cfg, batch, device)
        times = time_variants(fns, args.rounds, args.steps, args.warmup, device)
        base = _median(times[names[0]])
        for name in names:
            t = _median(times[name])
            ips = args.batch_size / t
            gflops = flops * (3 if mode == 'train' else 1) * ips / 1e9
            peak = peaks[dtypes[name]]
            rows.append(dict(variant=name, mode=mode, images_per_s=ips, ms_per_step=1e3 * t,
                             speedup=base / t, batch_size=args.batch_size,
                             gflops_per_image=flops / 1e9, achieved_gflops=gflops,
                             peak_dtype=str(dtypes[name]).replace('torch.', ''),
                             fraction_of_peak=gflops / peak))
    return rows


def pipeline_rows(cfg, n: int = 300) -> list[dict]:
    from mmengine.dataset import ConcatDataset

    from wildpose.registry import DATASETS

    torch.set_num_threads(1)
    dataset = DATASETS.build(cfg.train_dataloader['dataset'])
    parts = dataset.datasets if isinstance(dataset, ConcatDataset) else [dataset]
    rows = []
    for part in parts:
        for i in range(10):
            part[i % len(part)]
        start = time.perf_counter()
        for i in range(n):
            part[i % len(part)]
        rate = n / (time.perf_counter() - start)
        rows.append(dict(variant=f'pipeline:{type(part).__name__}:'
                         f'{getattr(part, "split", "") or len(rows)}',
                         mode='data', images_per_s=rate, what='samples/s, one worker'))
    return rows


def iteration_rows(configs: list[str], iters: int) -> list[dict]:
    from wildpose.engine.config_loader import load_config
    from wildpose.engine.iteration_profiler import PHASES, profile_training_iterations

    rows = []
    for path in configs:
        prof = profile_training_iterations(load_config(path), iters=iters)
        row = dict(variant=f'iteration:{osp.basename(path)}', mode='train_iteration',
                   images_per_s=prof['images_per_s'], batch_size=prof['batch_size'],
                   num_workers=prof['num_workers'], iters=prof['iters'])
        row.update({f'{k}_ms': 1e3 * v for k, v in prof['mean_s'].items()})
        rows.append(row)
        print(f'[benchmark] {path}: ' + ', '.join(
            f'{k} {1e3 * prof["mean_s"][k]:.0f} ms' for k in (*PHASES, 'total')),
            file=sys.stderr, flush=True)
    return rows


# operator kinds of --op-profile: the first kind whose fragment the profiler's event name
# holds (forward and backward kernels alike); the rest is 'other'
OP_KINDS = (
    ('convolution', 'convolutions'), ('batch_norm', 'batch norm'),
    ('threshold_backward', 'ReLU'), ('relu', 'ReLU'), ('clamp_min', 'ReLU'),
    ('pool', 'pooling, up-sampling'), ('upsample', 'pooling, up-sampling'),
    ('addmm', 'matrix products'), ('aten::mm', 'matrix products'),
    ('adam', 'optimiser'), ('Optimizer', 'optimiser'), ('foreach', 'optimiser'),
    ('aten::add', 'additions'), ('copy', 'casts, copies'), ('aten::to', 'casts, copies'),
)


def op_kind(event_name: str) -> str:
    """The kind of a profiler event (see ``OP_KINDS``)."""
    return next((kind for fragment, kind in OP_KINDS if fragment in event_name), 'other')


def op_profile_rows(cfg, args, device: torch.device, steps: int = 5) -> list[dict]:
    """Own time per operator kind of ``steps`` training steps of ``args.op_profile``."""
    from torch.profiler import ProfilerActivity, profile

    batch = training_batch(cfg, args.batch_size)
    fn, _ = build_variant('train', args.op_profile, cfg, batch, device)
    for _ in range(max(args.warmup, 2)):
        fn()
    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device.type == 'cuda'
                                           else [])
    with profile(activities=activities) as prof:
        for _ in range(steps):
            fn()
        _sync(device)
    own: dict[str, float] = {}
    for event in prof.key_averages():
        kind = op_kind(event.key)
        own[kind] = own.get(kind, 0.0) + event.self_cpu_time_total / 1e3 / steps
    total = sum(own.values())
    return [dict(variant=f'ops:{kind}', mode='op_profile', images_per_s=0.0,
                 profiled=args.op_profile, ms_per_step=ms, share=ms / total)
            for kind, ms in sorted(own.items(), key=lambda kv: -kv[1])]


def render_markdown(rows: list[dict], header: str) -> str:
    out = [header, '']
    net = [r for r in rows if r['mode'] in ('infer', 'train')]
    if net:
        out += ['| mode | variant | images/s | ms/step | speed-up | GFLOP/image | GFLOP/s | '
                'of peak (dtype) |', '|---|---|---:|---:|---:|---:|---:|---|']
        out += [f"| {r['mode']} | {r['variant']} | {r['images_per_s']:.2f} | "
                f"{r['ms_per_step']:.1f} | {r['speedup']:.2f}x | {r['gflops_per_image']:.2f} | "
                f"{r['achieved_gflops']:.0f} | {100 * r['fraction_of_peak']:.0f} % "
                f"({r['peak_dtype']}) |" for r in net]
        out.append('')
    ops = [r for r in rows if r['mode'] == 'op_profile']
    if ops:
        out += [f"Own time per operator kind, training steps of {ops[0]['profiled']} "
                '(under the profiler, which adds its own overhead):', '',
                '| operators | ms/step | share |', '|---|---:|---:|']
        out += [f"| {r['variant'][4:]} | {r['ms_per_step']:.1f} | {100 * r['share']:.0f} % |"
                for r in ops]
        out.append('')
    for r in rows:
        if r['mode'] == 'data':
            out.append(f"- {r['variant']}: {r['images_per_s']:.0f} samples/s (one worker)")
        if r['mode'] == 'train_iteration':
            phases = ', '.join(f"{k[:-3]} {r[k]:.0f}" for k in r if k.endswith('_ms'))
            out.append(f"- {r['variant']} (batch {r['batch_size']}, {r['num_workers']} "
                       f"workers, mean of {r['iters']} iterations): "
                       f"{r['images_per_s']:.1f} images/s; ms: {phases}")
    return '\n'.join(out) + '\n'


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    from wildpose.engine.config_loader import load_config
    from wildpose.utils import register_all_modules

    register_all_modules()
    if args.threads:
        torch.set_num_threads(args.threads)
    cfg = load_config(args.config)
    args.batch_size = args.batch_size or int(cfg.train_dataloader['batch_size'])
    device = torch.device(args.device)
    if device.type == 'cuda':
        torch.backends.cudnn.benchmark = True
    peaks = {dt: matmul_peak(dt, device) for dt in (torch.float32, torch.bfloat16)
             if device.type == 'cuda' or dt != torch.float16}
    if device.type == 'cuda':
        peaks[torch.float16] = matmul_peak(torch.float16, device)
    rows = network_rows(cfg, args, device, peaks)
    for dt, v in peaks.items():
        rows.append(dict(variant=f'matmul:{str(dt)[6:]}', mode='peak', images_per_s=0.0,
                         gflops=v))
    if args.op_profile:
        rows += op_profile_rows(cfg, args, device)
    if args.pipeline:
        rows += pipeline_rows(cfg)
    if args.iteration is not None:
        torch.set_num_threads(args.threads or torch.get_num_threads())
        rows += iteration_rows([args.config, *args.iteration], args.iteration_iters)
    dev = torch.cuda.get_device_name(device) if device.type == 'cuda' else platform.processor()
    from wildpose.evaluation.profiling import cpu_name
    from wildpose.utils.cli import emit
    header = (f'`{" ".join(["python tools/analysis/benchmark.py", *sys.argv[1:]])}`: torch '
              f'{torch.__version__}, {dev or cpu_name()}, {torch.get_num_threads()} threads, '
              f'batch {args.batch_size}; matmul peak ' + ', '.join(
                  f'{str(dt)[6:]} {v:.0f} GFLOP/s' for dt, v in peaks.items()))
    text = render_markdown(rows, header)
    emit(text, args.markdown, args.json, rows)


if __name__ == '__main__':
    from wildpose.utils.cli import run_cli
    run_cli(main)
