"""Train and evaluate the three synthetic-benchmark configs; write the results table.

    python tools/analysis/synthetic_benchmark.py [--configs NAME ...] [--skip-existing]
        [--work-root work_dirs/synthetic_benchmark] [--doc docs/benchmarks.md]

For each config (default: the lab-3D-only ablation, mixed without the geometric
constraint, and the full method) this runs ``tools/train.py`` and then ``tools/test.py``
on the last checkpoint, collects ``metrics.json`` and writes

* ``<work-root>/results.json``: every metric of every config, plus wall times;
* the table between the ``synthetic-benchmark`` markers of ``--doc``: MPJPE, PA-MPJPE
  (mm) and 2D PCK@0.05 (%) on lab_test and wild_test, with a constant-guess baseline
  (the mean lab_train pose) that a model must beat to have learnt anything in 3D.

Every number in that table comes from this script's run; it records the command line
and the date next to the table.
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

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)  # run from a checkout
CONFIGS = {
    'hg_3d_only_synth': 'lab 3D only',
    'hg_mixed_nogeo_synth': 'mixed lab 3D + wild 2D, no geometric constraint',
    'hg_mixed_synth': 'mixed lab 3D + wild 2D + geometric constraint (full method)',
    'hg_mixed_synth_long': 'the full method, 2x the iterations',
}
DEFAULT_CONFIGS = ['hg_3d_only_synth', 'hg_mixed_nogeo_synth', 'hg_mixed_synth']
MEAN_POSE = 'mean lab_train pose'
START, END = '<!-- synthetic-benchmark:start -->', '<!-- synthetic-benchmark:end -->'
COLUMNS = [('lab/mpjpe', 'lab MPJPE'), ('lab/pa_mpjpe', 'lab PA-MPJPE'), ('lab/pck', 'lab PCK'),
           ('wild/mpjpe', 'wild MPJPE'), ('wild/pa_mpjpe', 'wild PA-MPJPE'),
           ('wild/pck', 'wild PCK')]


def _run(cmd: list[str]) -> float:
    print('+', ' '.join(cmd), flush=True)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=REPO)
    return time.perf_counter() - start


def run_config(name: str, work_root: str, skip_existing: bool) -> dict:
    """Train (unless a finished run exists and ``skip_existing``) and test one config."""
    config = osp.join('configs', 'weak3d', f'{name}.py')
    work_dir = osp.join(work_root, name)
    metrics_path = osp.join(work_dir, 'test', 'metrics.json')
    timing_path = osp.join(work_dir, 'timing.json')
    if skip_existing and osp.isfile(metrics_path) and osp.isfile(timing_path):
        with open(metrics_path) as f, open(timing_path) as g:
            return dict(metrics=json.load(f), **json.load(g))
    train_s = _run([sys.executable, 'tools/train.py', config, '--work-dir', work_dir])
    with open(osp.join(REPO, work_dir, 'last_checkpoint')) as f:
        ckpt = f.read().strip()
    test_s = _run([sys.executable, 'tools/test.py', config, ckpt,
                   '--work-dir', osp.join(work_dir, 'test')])
    timing = dict(train_seconds=round(train_s, 1), test_seconds=round(test_s, 1))
    with open(osp.join(REPO, timing_path), 'w') as f:
        json.dump(timing, f)
    with open(osp.join(REPO, metrics_path)) as f:
        return dict(metrics=json.load(f), **timing)


def mean_pose_baseline(data_root: str) -> dict:
    """Metrics of a constant guess: the mean root-relative lab_train pose (rescaled like a
    prediction), on lab_test and wild_test. A model must beat it to have learnt 3D."""
    import numpy as np
    import torch

    from wildpose.evaluation.functional import mpjpe, pa_mpjpe
    from wildpose.geometry.skeleton3d import pose_to_metric
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
    return dict(metrics=metrics, train_seconds=0.0, test_seconds=0.0)


def format_table(results: dict[str, dict]) -> str:
    """Markdown table: one row per config, MPJPE/PA-MPJPE in mm and PCK in %."""
    head = '| config | what it trains | ' + ' | '.join(c for _, c in COLUMNS) + \
        ' | train time |'
    rule = '| --- | --- | ' + ' | '.join('---:' for _ in COLUMNS) + ' | ---: |'
    rows = [head, rule]
    for name, res in results.items():
        cells = []
        for key, _ in COLUMNS:
            value = res['metrics'].get(key)
            cells.append('n/a' if value is None else f'{value:.1f}')
        label = name if name == MEAN_POSE else f'`{name}`'
        what = 'baseline: one constant 3D guess' if name == MEAN_POSE else CONFIGS[name]
        train = 'n/a' if name == MEAN_POSE else f"{res['train_seconds'] / 60:.1f} min"
        rows.append(f'| {label} | {what} | ' + ' | '.join(cells) + f' | {train} |')
    return '\n'.join(rows)


def write_doc(doc: str, table: str, command: str) -> None:
    """Replace the text between the markers of ``doc`` (append a section if absent)."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d')
    block = (f'{START}\nProduced by `{command}` on {stamp} '
             f'({os.cpu_count()} CPU threads). MPJPE and PA-MPJPE in mm, 2D PCK@0.05 of '
             f'the person box in %.\n\n{table}\n{END}')
    text = open(doc).read() if osp.isfile(doc) else '# Benchmarks\n'
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip('\n') + '\n\n## Synthetic lab/wild benchmark\n\n' + block + '\n'
    with open(doc, 'w') as f:
        f.write(text)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--configs', nargs='+', default=DEFAULT_CONFIGS, choices=list(CONFIGS))
    parser.add_argument('--data-root', default='data/cache/synthetic',
                        help="the configs' synthetic data cache (for the mean-pose baseline)")
    parser.add_argument('--work-root', default='work_dirs/synthetic_benchmark')
    parser.add_argument('--doc', default='docs/benchmarks.md')
    parser.add_argument('--skip-existing', action='store_true',
                        help='reuse finished runs found in the work root')
    args = parser.parse_args(argv)
    results = {name: run_config(name, args.work_root, args.skip_existing)
               for name in args.configs}
    results[MEAN_POSE] = mean_pose_baseline(args.data_root)
    with open(osp.join(REPO, args.work_root, 'results.json'), 'w') as f:
        json.dump(results, f, indent=2, sort_keys=True)
    table = format_table(results)
    print(table)
    command = 'python tools/analysis/synthetic_benchmark.py ' + ' '.join(argv or sys.argv[1:])
    write_doc(osp.join(REPO, args.doc), table, command.strip())
    return results


if __name__ == '__main__':
    main()
