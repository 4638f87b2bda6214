"""Two CPU processes (gloo) through tools/dist_train.sh and tools/dist_test.sh.

One training run of tests/data/configs/tiny_dist.py (6 iterations, 2 processes, with
``--auto-scale-lr``), whose DistProbeHook records what each process trained on, then the
same checkpoint evaluated by 1 process and by 2.
"""
from __future__ import annotations

import collections
import json
import os
import os.path as osp
import re
import subprocess
import sys

import numpy as np
import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(REPO, 'tests', 'data', 'configs', 'tiny_dist.py')
SOURCE_SIZES = {'lab': 8, 'wild': 7}   # tiny_dist.py's training splits
PER_BATCH = {'lab': 2, 'wild': 2}      # batch 4, source_ratio [1, 1]

pytestmark = pytest.mark.slow


def _env(tmp_path) -> dict:
    return dict(os.environ, OMP_NUM_THREADS='1', PYTHON=sys.executable,
                WILDPOSE_PROBE_DIR=str(tmp_path / 'probe'),
                PYTHONPATH=osp.join(REPO, 'tests', 'data', 'plugins'))


def _run(cmd: list[str], tmp_path) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=str(tmp_path), env=_env(tmp_path), capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def _probe(tmp_path, rank: int) -> list[dict]:
    with open(tmp_path / 'probe' / f'rank{rank}.jsonl') as f:
        return [json.loads(line) for line in f]


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('dist')
    work = tmp / 'work'
    proc = _run(['bash', osp.join(REPO, 'tools', 'dist_train.sh'), CONFIG, '2',
                 '--work-dir', str(work), '--auto-scale-lr'], tmp)
    return tmp, work, proc.stdout + proc.stderr


def test_ranks_stay_in_step(trained):
    tmp, _, _ = trained
    ranks = [_probe(tmp, r) for r in (0, 1)]
    for rank, lines in enumerate(ranks):
        assert [x['iter'] for x in lines] == list(range(6))
        assert {(x['rank'], x['world_size'], x['backend']) for x in lines} == \
            {(rank, 2, 'gloo')}
    for a, b in zip(*ranks):
        # gradients are averaged: after every step both processes hold the same weights
        assert a['checksum'] == b['checksum'] and a['lr'] == b['lr']
    # the model did change, and --auto-scale-lr doubled the config's lr (1e-3, 2 x 4)
    assert len({x['checksum'] for x in ranks[0]}) == 6
    assert ranks[0][0]['lr'] == pytest.approx(2e-3)


def test_batches_keep_the_mix_and_ranks_share_no_samples_beyond_padding(trained):
    tmp, _, _ = trained
    lines = _probe(tmp, 0) + _probe(tmp, 1)
    for x in lines:
        counts = collections.Counter(domain for domain, _ in x['samples'])
        assert counts == PER_BATCH, x
    by_epoch = collections.defaultdict(list)
    for x in lines:
        by_epoch[x['epoch']].extend(map(tuple, x['samples']))
    assert sorted(by_epoch) == [0, 1, 2]  # 2 batches a process per epoch, 6 iterations
    for epoch, samples in by_epoch.items():
        for domain, size in SOURCE_SIZES.items():
            drawn = [idx for d, idx in samples if d == domain]
            # 4 batches of 2 per source: lab (8) fits exactly, wild (7) pads with 1 repeat
            assert len(drawn) == 8
            assert len(set(drawn)) == min(size, len(drawn)), (epoch, domain, drawn)
            assert set(drawn) == set(range(size))


def test_checkpoints_logs_and_pictures_are_written_once_by_rank_0(trained):
    _, work, output = trained
    files = sorted(osp.relpath(osp.join(d, f), work) for d, _, fs in os.walk(work)
                   for f in fs)
    logs = [f for f in files if f.endswith('.log')]
    assert len(logs) == 1, files
    assert not [f for f in files if re.search(r'rank\d|device\d', f)], files
    assert {'iter_3.pth', 'iter_6.pth', 'last_checkpoint'} <= set(files)
    text = open(work / logs[0]).read()
    for it in (2, 4, 6):  # each logged iteration once
        assert len(re.findall(rf'Iter\(train\) \[{it}/6\]', text)) == 1
    assert 'Scaling the original LR by 2.0' in text
    # validation pictures (NNN_<domain>_<sample stem>.png): rank 0's share only
    # (DefaultSampler gives it the even indices)
    pictures = [f for f in files if f.startswith(osp.join('vis', 'val_iter_6'))]
    assert pictures
    assert all(int(osp.splitext(p)[0].rsplit('_', 1)[1]) % 2 == 0 for p in pictures), pictures


def test_metrics_from_2_processes_equal_those_of_1(trained):
    tmp, work, _ = trained
    ckpt = str(work / 'iter_6.pth')
    # batch 1: every sample meets the same arithmetic in both runs; 15 test samples
    # do not split evenly, so the 2-process run pads and must drop the padding
    common = ['--no-report', '--no-progress', '--cfg-options', 'test_dataloader.batch_size=1']
    _run([sys.executable, osp.join(REPO, 'tools', 'test.py'), CONFIG, ckpt, '--work-dir',
          str(tmp / 'one'), '--dump', str(tmp / 'one.npz'), *common], tmp)
    _run(['bash', osp.join(REPO, 'tools', 'dist_test.sh'), CONFIG, ckpt, '2', '--work-dir',
          str(tmp / 'two'), '--dump', str(tmp / 'two.npz'), *common], tmp)
    one = json.load(open(tmp / 'one' / 'metrics.json'))
    two = json.load(open(tmp / 'two' / 'metrics.json'))
    assert one == two and one['wild/mpjpe'] > 0
    a, b = np.load(tmp / 'one.npz'), np.load(tmp / 'two.npz')
    assert len(a['sample_idx']) == 15
    for key in ('domain', 'sample_idx', 'pred_keypoints', 'pred_keypoints_3d'):
        np.testing.assert_array_equal(a[key], b[key])
