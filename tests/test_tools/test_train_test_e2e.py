"""End to end: tools/train.py and tools/test.py on a tiny config, then a resumed run.

Runs the real command-line tools in a subprocess from a temporary folder, so the
synthetic data cache and the work dir are written there.
"""
from __future__ import annotations

import json
import os
import os.path as osp
import subprocess
import sys

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(REPO, 'tests', 'data', 'configs', 'tiny_mixed_synth.py')

pytestmark = pytest.mark.slow


def _tool(name: str, *args: str, cwd: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, OMP_NUM_THREADS='1')
    return subprocess.run([sys.executable, osp.join(REPO, 'tools', name), *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=300)


def _ok(proc: subprocess.CompletedProcess) -> None:
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def test_train_test_and_resume(tmp_path):
    work = str(tmp_path / 'work')
    proc = _tool('train.py', CONFIG, '--work-dir', work, cwd=str(tmp_path))
    _ok(proc)
    for it in (3, 6):
        assert osp.isfile(osp.join(work, f'iter_{it}.pth'))
    last = open(osp.join(work, 'last_checkpoint')).read().strip()
    assert last.endswith('iter_6.pth')
    # the geometric constraint was computed for the wild samples during training
    logs = open(osp.join(work, _log_file(work))).read()
    assert 'loss_geo' in logs and 'loss_depth' in logs
    # the visualisation hook drew validation pictures
    pictures = [f for _, _, files in os.walk(osp.join(work, 'vis')) for f in files]
    assert any(f.endswith('.png') for f in pictures)

    proc = _tool('test.py', CONFIG, last, '--work-dir', str(tmp_path / 'test'),
                 cwd=str(tmp_path))
    _ok(proc)
    metrics = json.load(open(tmp_path / 'test' / 'metrics.json'))
    for key in ('lab/mpjpe', 'wild/mpjpe', 'wild/pa_mpjpe', 'wild/pck'):
        assert key in metrics, sorted(metrics)
        assert metrics[key] == metrics[key]  # not NaN
    assert metrics['wild/mpjpe'] > 0 and 0 <= metrics['wild/pck'] <= 100

    # --fast: folded batch norms, channels-last, bfloat16 autocast; the same metrics
    # within bfloat16's precision, and the log says the fast path ran
    proc = _tool('test.py', CONFIG, last, '--work-dir', str(tmp_path / 'fast'), '--fast',
                 '--no-report', cwd=str(tmp_path))
    _ok(proc)
    assert "'precision': 'auto'" in proc.stdout + proc.stderr
    fast = json.load(open(tmp_path / 'fast' / 'metrics.json'))
    assert fast.keys() == metrics.keys()
    for key in ('lab/mpjpe', 'wild/mpjpe'):
        assert fast[key] == pytest.approx(metrics[key], rel=0.05), key

    # resume from iter_3 under torch's weights-only loading and run to iteration 8
    proc = _tool('train.py', CONFIG, '--work-dir', work, '--resume',
                 osp.join(work, 'iter_3.pth'), '--cfg-options', 'train_cfg.max_iters=8',
                 cwd=str(tmp_path))
    _ok(proc)
    assert 'resumed' in (proc.stdout + proc.stderr).lower()
    assert osp.isfile(osp.join(work, 'iter_8.pth'))


def _log_file(work: str) -> str:
    """The newest run's log file (mmengine writes <timestamp>/<timestamp>.log)."""
    runs = sorted(d for d in os.listdir(work)
                  if osp.isfile(osp.join(work, d, f'{d}.log')))
    run = runs[-1]
    return osp.join(run, f'{run}.log')


def test_test_refuses_a_checkpoint_from_elsewhere(tmp_path):
    import torch
    bad = tmp_path / 'other.pth'
    torch.save({'state_dict': {'foo.weight': torch.zeros(2)}}, bad)
    proc = _tool('test.py', CONFIG, str(bad), '--work-dir', str(tmp_path / 't'),
                 cwd=str(tmp_path))
    assert proc.returncode != 0
    assert 'other.pth' in proc.stderr and 'does not fit this model' in proc.stderr
    assert 'Traceback' not in proc.stderr  # one clear line, not a stack dump


def test_misspelt_config_key_is_named(tmp_path):
    cfg = tmp_path / 'bad.py'
    cfg.write_text(f"_base_ = [{CONFIG!r}]\ntrain_dataloder = dict(batch_size=2)\n")
    proc = _tool('train.py', str(cfg), '--work-dir', str(tmp_path / 'w'), cwd=str(tmp_path))
    assert proc.returncode != 0
    assert "train_dataloder" in proc.stderr and 'train_dataloader' in proc.stderr
