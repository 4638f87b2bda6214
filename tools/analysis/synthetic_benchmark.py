"""Train and evaluate synthetic-benchmark configs over several seeds; write the table.

    python tools/analysis/synthetic_benchmark.py [--configs NAME_OR_PATH ...]
        [--seeds 0 1 2] [--jobs 1] [--skip-existing] [--work-root DIR]
        [--doc docs/benchmarks.md] [--table main] [--train-args ...]

Each (config, seed) run is ``tools/train.py CONFIG --cfg-options randomness.seed=SEED``
followed by ``tools/test.py`` on its last checkpoint, in
``<work-root>/<config>/seed<SEED>/``. The results are

* ``<work-root>/results.json``: every metric of every run, with wall times;
* a Markdown table (written between ``<!-- synthetic-benchmark:<table>:start -->`` and
  ``...:end -->`` in ``--doc``) with, per config, the **mean and standard deviation over
  the seeds** of MPJPE, PA-MPJPE (mm), 2D PCK@0.05 and left/right confusion (%) on
  lab_test and wild_test, and a constant-guess baseline row (the mean lab_train pose)
  that a model must beat to have learnt anything in 3D.

``--jobs 2`` trains two runs at once with one thread each (on a 2-core machine that is
more work per minute than one run on two threads; the train times in the table are then
those of the parallel runs, and say so). The synthetic data is generated once, before
any run, so parallel runs never write the same cache.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import os.path as osp
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)  # run from a checkout
DEFAULT_CONFIGS = ['hg_3d_only_synth', 'hg_mixed_nogeo_synth', 'hg_mixed_synth']
MEAN_POSE = 'mean lab_train pose'
COLUMNS = [('lab/mpjpe', 'lab MPJPE'), ('lab/pa_mpjpe', 'lab PA-MPJPE'), ('lab/pck', 'lab PCK'),
           ('lab/lr_confusion', 'lab L/R conf.'), ('wild/mpjpe', 'wild MPJPE'),
           ('wild/pa_mpjpe', 'wild PA-MPJPE'), ('wild/pck', 'wild PCK'),
           ('wild/lr_confusion', 'wild L/R conf.')]


def config_path(name: str) -> str:
    """A config name of configs/weak3d/ (``hg_mixed_synth``) or a path."""
    if name.endswith('.py') or os.sep in name:
        return name
    return osp.join('configs', 'weak3d', f'{name}.py')


def config_label(name: str) -> str:
    return osp.splitext(osp.basename(name))[0]


def config_summary(path: str) -> str:
    """The first comment line of the config: what it trains."""
    with open(osp.join(REPO, path)) as f:
        for line in f:
            if line.startswith('#'):
                return line.lstrip('# ').strip().rstrip('.')
    return ''


def _run(cmd: list[str], log: str, threads: int) -> float:
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    start = time.perf_counter()
    with open(log, 'w') as f:
        proc = subprocess.run(cmd, cwd=REPO, env=env, stdout=f, stderr=subprocess.STDOUT)
    if proc.returncode:
        raise RuntimeError(f'{" ".join(cmd)} failed (exit {proc.returncode}); see {log}')
    return time.perf_counter() - start


def run_one(name: str, seed: int, args: argparse.Namespace, threads: int) -> dict:
    """Train and test ``name`` with ``seed`` (or read a finished run's results)."""
    path = config_path(name)
    work_dir = osp.join(REPO, args.work_root, config_label(name), f'seed{seed}')
    metrics_path = osp.join(work_dir, 'test', 'metrics.json')
    timing_path = osp.join(work_dir, 'timing.json')
    if args.skip_existing and osp.isfile(metrics_path) and osp.isfile(timing_path):
        with open(metrics_path) as f, open(timing_path) as g:
            return dict(metrics=json.load(f), **json.load(g))
    os.makedirs(work_dir, exist_ok=True)
    print(f'[synthetic_benchmark] {config_label(name)} seed {seed}: training', flush=True)
    train_s = _run([sys.executable, 'tools/train.py', path, '--work-dir', work_dir,
                    *args.train_args, '--cfg-options', f'randomness.seed={seed}'],
                   osp.join(work_dir, 'train_stdout.log'), threads)
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        ckpt = f.read().strip()
    test_s = _run([sys.executable, 'tools/test.py', path, ckpt, '--work-dir',
                   osp.join(work_dir, 'test'), '--dump', osp.join(work_dir, 'test', 'preds.npz')],
                  osp.join(work_dir, 'test_stdout.log'), threads)
    timing = dict(train_seconds=round(train_s, 1), test_seconds=round(test_s, 1),
                  threads=threads)
    with open(timing_path, 'w') as f:
        json.dump(timing, f)
    with open(metrics_path) as f:
        return dict(metrics=json.load(f), **timing)


def prepare_data(names: list[str]) -> None:
    """Generate the configs' synthetic splits once (the datasets' own code and cache)."""
    from wildpose.engine.config_loader import load_config
    from wildpose.registry import DATASETS
    from wildpose.utils import register_all_modules

    register_all_modules()
    for name in names:
        cfg = load_config(osp.join(REPO, config_path(name)))
        for loader in ('train_dataloader', 'test_dataloader'):
            DATASETS.build(cfg[loader]['dataset'])


def mean_pose_baseline(data_root: str) -> dict:
    """Metrics of a constant guess: the mean root-relative lab_train pose (rescaled like a
    prediction), on lab_test and wild_test. A model must beat it to have learnt 3D."""
    import torch

    from wildpose.evaluation.functional import mpjpe, pa_mpjpe
    from wildpose.geometry.metric_pose import pose_to_metric
    from wildpose.structures.skeleton import ROOT

    def poses(split: str) -> np.ndarray:
        with open(osp.join(REPO, data_root, split, 'annotations.json')) as f:
            anns = json.load(f)['annotations']
        pose = np.array([np.reshape(a['keypoints_3d'], (-1, 4))[:, :3] for a in anns])
        return pose - pose[:, ROOT:ROOT + 1]

    mean = pose_to_metric(torch.from_numpy(poses('lab_train'))).numpy().mean(0)
    metrics = {}
    for domain in ('lab', 'wild'):
        gt = poses(f'{domain}_test')
        guess = np.repeat(mean[None], len(gt), axis=0)
        metrics[f'{domain}/mpjpe'] = float(mpjpe(guess, gt).mean())
        metrics[f'{domain}/pa_mpjpe'] = float(pa_mpjpe(guess, gt).mean())
    return metrics


def summarise(runs: list[dict]) -> dict:
    """Mean and sample standard deviation (ddof=1) over the seeds of every column."""
    out = {}
    for key, _ in COLUMNS + [('train_seconds', '')]:
        values = np.array([r['metrics'].get(key, np.nan) if key != 'train_seconds'
                           else r['train_seconds'] for r in runs], dtype=np.float64)
        std = float(values.std(ddof=1)) if len(values) > 1 else float('nan')
        out[key] = dict(mean=float(values.mean()), std=std, values=values.tolist())
    return out


def _mean_std(cell: dict) -> str:
    """``mean ± std``; the mean alone where one seed gives no spread."""
    if not np.isfinite(cell['std']):
        return f"{cell['mean']:.1f}"
    return f"{cell['mean']:.1f} ± {cell['std']:.1f}"


def format_table(summaries: dict[str, dict], labels: dict[str, str], baseline: dict,
                 seeds: list[int]) -> str:
    head = '| config | what it trains | ' + ' | '.join(c for _, c in COLUMNS) + \
        ' | train time |'
    rows = [head, '| --- | --- | ' + ' | '.join('---:' for _ in COLUMNS) + ' | ---: |']
    for name, summ in summaries.items():
        cells = [_mean_std(summ[k]) for k, _ in COLUMNS]
        train = summ['train_seconds']
        rows.append(f'| `{config_label(name)}` | {labels[name]} | ' + ' | '.join(cells) +
                    f" | {train['mean'] / 60:.1f} min |")
    cells = [f'{baseline[k]:.1f}' if k in baseline else 'n/a' for k, _ in COLUMNS]
    rows.append(f'| {MEAN_POSE} | baseline: one constant 3D guess | ' + ' | '.join(cells) +
                ' | n/a |')
    return '\n'.join(rows) + (f'\n\nMean ± standard deviation over {len(seeds)} training '
                              f'seeds ({", ".join(map(str, seeds))}); the data is the same.')


def write_doc(doc: str, table: str, command: str, name: str, note: str) -> None:
    """Replace the text between the table's markers in ``doc`` (append if absent)."""
    start, end = (f'<!-- synthetic-benchmark:{name}:start -->',
                  f'<!-- synthetic-benchmark:{name}:end -->')
    stamp = dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d')
    block = (f'{start}\nProduced by `{command}` on {stamp}{note}. MPJPE and PA-MPJPE in mm; '
             f'2D PCK@0.05 of the person box and left/right confusion in %.\n\n{table}\n{end}')
    text = open(doc).read() if osp.isfile(doc) else '# Benchmarks\n'
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip('\n') + '\n\n' + block + '\n'
    with open(doc, 'w') as f:
        f.write(text)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--configs', nargs='+', default=DEFAULT_CONFIGS,
                        help='names in configs/weak3d/ or paths')
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2])
    parser.add_argument('--jobs', type=int, default=1, help='runs trained at once')
    parser.add_argument('--data-root', default='data/cache/synthetic',
                        help="the configs' synthetic data cache (for the mean-pose baseline)")
    parser.add_argument('--work-root', default='work_dirs/synthetic_benchmark')
    parser.add_argument('--doc', default='docs/benchmarks.md')
    parser.add_argument('--table', default='main', help='which table of --doc to replace')
    parser.add_argument('--skip-existing', action='store_true',
                        help='reuse finished runs found in the work root')
    parser.add_argument('--train-args', nargs=argparse.REMAINDER, default=[],
                        help='passed to tools/train.py (last on the command line)')
    args = parser.parse_args(argv)
    prepare_data(args.configs)
    threads = max(1, (os.cpu_count() or 1) // args.jobs)
    jobs = [(name, seed) for name in args.configs for seed in args.seeds]
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        done = list(pool.map(lambda job: run_one(*job, args, threads), jobs))
    results = {name: {} for name in args.configs}
    for (name, seed), res in zip(jobs, done):
        results[name][seed] = res
    baseline = mean_pose_baseline(args.data_root)
    summaries = {name: summarise(list(runs.values())) for name, runs in results.items()}
    os.makedirs(osp.join(REPO, args.work_root), exist_ok=True)
    with open(osp.join(REPO, args.work_root, f'results_{args.table}.json'), 'w') as f:
        json.dump(dict(runs=results, summaries=summaries, baseline=baseline), f, indent=1)
    labels = {name: config_summary(config_path(name)) for name in args.configs}
    table = format_table(summaries, labels, baseline, args.seeds)
    print(table)
    note = (f' ({os.cpu_count()} CPU cores, {args.jobs} run(s) at a time with {threads} '
            f'thread(s) each)')
    command = 'python tools/analysis/synthetic_benchmark.py ' + ' '.join(
        argv if argv is not None else sys.argv[1:])
    write_doc(osp.join(REPO, args.doc), table, command.strip(), args.table, note)
    return dict(summaries=summaries, baseline=baseline)


if __name__ == '__main__':
    from wildpose.utils.cli import run_cli
    run_cli(main)
