"""Speed of wildpose's compiled ops against the pure-PyTorch references.

From one run, for realistic sizes, prints the forward and forward+backward times of
    * soft-argmax: (B, J, H, W) = (64, 16, 64, 64) heatmaps, float32;
    * the bone-ratio loss: batch 8 to 256, 16 joints, half of the samples 2D-only;
      with, for context, a per-sample Python loop (NumPy forward and backward over
      samples, groups and bones, as the original authors' implementation computes it);
for the compiled op (``wildpose.ops.soft_argmax`` / ``bone_ratio_loss``, dispatch
included) and the reference composition (``wildpose.ops.reference``), and their ratio.
CUDA too when a GPU and a CUDA build are present. Each time is the lowest of three
medians of torch.utils.benchmark's blocked_autorange, the variants taking turns.

    python tools/analysis/benchmark_ops.py [--threads N [N ...]] [--min-time S] \
        [--markdown out.md] [--device cpu|cuda|all]
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

import numpy as np
import torch
from torch.utils import benchmark

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from wildpose import ops  # noqa: E402
from wildpose.ops import _loader  # noqa: E402
from wildpose.structures.skeleton import BONE_GROUPS, NUM_JOINTS  # noqa: E402
from wildpose.utils.cli import emit  # noqa: E402

SOFT_ARGMAX_SHAPE = (64, 16, 64, 64)
LOSS_BATCHES = (8, 32, 64, 128, 256)


class LoopBoneRatioLoss(torch.autograd.Function):
    """The geometric loss with Python loops over samples, groups and bones in NumPy,
    forward and backward (the structure of the original implementation); context only."""

    @staticmethod
    def forward(ctx, xy, z, visible, has_3d):
        xy_n, z_n = xy.detach().cpu().numpy(), z.detach().cpu().numpy()
        vis_n, has_n = visible.cpu().numpy() > 0, has_3d.cpu().numpy()
        total = 0.0
        for b in range(xy_n.shape[0]):
            if has_n[b]:
                continue
            for group in BONE_GROUPS:
                lengths = []
                for (p, c), w in zip(group.bones, group.weights):
                    if vis_n[b, p] and vis_n[b, c]:
                        d = np.array([*(xy_n[b, p] - xy_n[b, c]), z_n[b, p] - z_n[b, c]])
                        lengths.append(w * np.sqrt(max((d * d).sum(), 1e-12)))
                if lengths:
                    mean = sum(lengths) / len(lengths)
                    total += sum((le - mean) ** 2 for le in lengths) / (2 * len(lengths))
        ctx.save_for_backward(xy, z, visible, has_3d)
        return z.new_tensor(total / max(xy_n.shape[0], 1))

    @staticmethod
    def backward(ctx, grad):
        xy, z, visible, has_3d = ctx.saved_tensors
        xy_n, z_n = xy.detach().cpu().numpy(), z.detach().cpu().numpy()
        vis_n, has_n = visible.cpu().numpy() > 0, has_3d.cpu().numpy()
        gz = np.zeros_like(z_n)
        scale = float(grad) / max(xy_n.shape[0], 1)
        for b in range(xy_n.shape[0]):
            if has_n[b]:
                continue
            for group in BONE_GROUPS:
                bones = [(p, c, w) for (p, c), w in zip(group.bones, group.weights)
                         if vis_n[b, p] and vis_n[b, c]]
                if not bones:
                    continue
                lengths = []
                for p, c, w in bones:
                    d = np.array([*(xy_n[b, p] - xy_n[b, c]), z_n[b, p] - z_n[b, c]])
                    lengths.append(np.sqrt(max((d * d).sum(), 1e-12)))
                mean = sum(w * le for (_, _, w), le in zip(bones, lengths)) / len(bones)
                for (p, c, w), le in zip(bones, lengths):
                    coef = scale * (w * le - mean) / len(bones) * w / le
                    gz[b, p] += coef * (z_n[b, p] - z_n[b, c])
                    gz[b, c] -= coef * (z_n[b, p] - z_n[b, c])
        return None, torch.from_numpy(gz).to(z), None, None


def loop_bone_ratio_loss(xy, z, visible, has_3d):
    return LoopBoneRatioLoss.apply(xy, z, visible, has_3d)


#: each variant is timed this many times, alternating with the others; the lowest median
#: is kept (other processes on a shared machine only ever make a run slower)
ROUNDS = 3


def _best_median_ms(fns: dict, threads: int, min_time: float) -> dict:
    """{name: ms}: the best over ROUNDS interleaved rounds of blocked_autorange medians."""
    best = {name: float('inf') for name in fns}
    for _ in range(ROUNDS):
        for name, fn in fns.items():
            timer = benchmark.Timer(stmt='fn()', globals={'fn': fn}, num_threads=threads)
            median = timer.blocked_autorange(min_run_time=min_time).median * 1e3
            best[name] = min(best[name], median)
    return best


def _soft_argmax_rows(device: str, threads: int, min_time: float) -> list[dict]:
    x = torch.randn(*SOFT_ARGMAX_SHAPE, device=device)
    xg = x.clone().requires_grad_()
    weights = torch.randn(*SOFT_ARGMAX_SHAPE[:2], 2, device=device)
    rows = []
    for label, fwd_only in (('forward', True), ('forward+backward', False)):
        runs = {}
        for name, fn in (('compiled', ops.soft_argmax), ('reference', ops.soft_argmax_reference)):
            if fwd_only:
                def run(fn=fn):
                    with torch.no_grad():
                        fn(x, beta=1.0)
            else:
                def run(fn=fn):
                    torch.autograd.grad((fn(xg, beta=1.0) * weights).sum(), xg)
            runs[name] = run
        times = _best_median_ms(runs, threads, min_time)
        rows.append(dict(op='soft_argmax', size='x'.join(map(str, SOFT_ARGMAX_SHAPE)),
                         device=device, threads=threads, pass_=label, **times))
    return rows


def _loss_inputs(batch: int, device: str):
    gen = torch.Generator().manual_seed(batch)
    xy = torch.randn(batch, NUM_JOINTS, 2, generator=gen)
    z = torch.randn(batch, NUM_JOINTS, generator=gen)
    visible = (torch.rand(batch, NUM_JOINTS, generator=gen) < 0.9).float()
    has_3d = torch.arange(batch) % 2 == 0
    return [t.to(device) for t in (xy, z, visible, has_3d)]


def _loss_rows(device: str, threads: int, min_time: float, loop: bool) -> list[dict]:
    rows = []
    for batch in LOSS_BATCHES:
        xy, z, visible, has_3d = _loss_inputs(batch, device)
        zg = z.clone().requires_grad_()
        fns = [('compiled', ops.bone_ratio_loss), ('reference', ops.bone_ratio_loss_reference)]
        if loop:
            fns.append(('loop', loop_bone_ratio_loss))
        for label, fwd_only in (('forward', True), ('forward+backward', False)):
            runs = {}
            for name, fn in fns:
                if fwd_only:
                    def run(fn=fn):
                        with torch.no_grad():
                            fn(xy, z, visible, has_3d)
                else:
                    def run(fn=fn):
                        torch.autograd.grad(fn(xy, zg, visible, has_3d), zg)
                runs[name] = run
            times = _best_median_ms(runs, threads, min_time)
            rows.append(dict(op='bone_ratio_loss', size=f'B={batch}', device=device,
                             threads=threads, pass_=label, **times))
    return rows


def _check_agreement(device: str) -> None:
    """The two paths must agree before their speeds are compared."""
    x = torch.randn(4, 16, 64, 64, device=device)
    torch.testing.assert_close(ops.soft_argmax(x), ops.soft_argmax_reference(x),
                               rtol=1e-4, atol=1e-2)
    args = _loss_inputs(64, device)
    torch.testing.assert_close(ops.bone_ratio_loss(*args), ops.bone_ratio_loss_reference(*args))
    cpu_args = [t.cpu() for t in args]
    torch.testing.assert_close(loop_bone_ratio_loss(*cpu_args).to(device),
                               ops.bone_ratio_loss_reference(*args), rtol=1e-4, atol=1e-6)


def format_table(rows: list[dict]) -> str:
    has_loop = any('loop' in r for r in rows)
    head = ['op', 'size', 'device', 'threads', 'pass', 'compiled (ms)', 'reference (ms)',
            'reference / compiled']
    if has_loop:
        head += ['per-sample loop (ms)', 'loop / compiled']
    lines = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    for r in rows:
        cells = [r['op'], r['size'], r['device'], str(r['threads']), r['pass_'],
                 f'{r["compiled"]:.3f}',
                 f'{r["reference"]:.3f}', f'{r["reference"] / r["compiled"]:.1f}x']
        if has_loop:
            cells += [f'{r["loop"]:.2f}', f'{r["loop"] / r["compiled"]:.0f}x'] if 'loop' in r \
                else ['', '']
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def environment() -> str:
    lib = _loader.load()
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path('/proc/cpuinfo').read_text().splitlines():
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    gpu = torch.cuda.get_device_name() if torch.cuda.is_available() else 'none'
    return (f'torch {torch.__version__}, {os.cpu_count()} CPUs: {cpu}, '
            f'GPU: {gpu}; ops: {lib.kind} build ({lib.info})')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--threads', type=int, nargs='+', default=[torch.get_num_threads()],
                        help='intra-op CPU threads for every variant; several values give '
                             'one block of rows each (default: torch default)')
    parser.add_argument('--min-time', type=float, default=0.3,
                        help='seconds of timing per measurement and round (default 0.3)')
    parser.add_argument('--device', choices=('cpu', 'cuda', 'all'), default='all')
    parser.add_argument('--no-loop', action='store_true', help='skip the per-sample loop')
    parser.add_argument('--markdown', type=Path, help='also write the table to this file')
    args = parser.parse_args(argv)

    if _loader.mode() == 'reference' or not _loader.load().loaded:
        print('benchmark_ops: the compiled ops are not available (see `python -m '
              'wildpose.ops`); nothing to compare', file=sys.stderr)
        return 1
    devices = ['cpu'] if args.device in ('cpu', 'all') else []
    if args.device in ('cuda', 'all') and torch.cuda.is_available():
        if _loader.compiled_for(torch.device('cuda')):
            devices.append('cuda')
        else:
            print('benchmark_ops: no CUDA kernels in this build; CUDA skipped', file=sys.stderr)
    rows = []
    for device in devices:
        _check_agreement(device)
        for threads in (args.threads if device == 'cpu' else args.threads[:1]):
            torch.set_num_threads(threads)
            rows += _soft_argmax_rows(device, threads, args.min_time)
            rows += _loss_rows(device, threads, args.min_time, loop=not args.no_loop)
    table = format_table(rows)
    env = environment()
    emit(f'{env}\n\n{table}', args.markdown)
    return 0


if __name__ == '__main__':
    sys.exit(main())
