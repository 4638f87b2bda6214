"""tools/test.py's report, dump, pictures and flip switch; recompute_report.py from a dump.

The checkpoint is an untrained tiny model's state dict: the numbers are meaningless,
but every file must be written and agree with the others.
"""
from __future__ import annotations

import json
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(REPO, 'tests', 'data', 'configs', 'tiny_mixed_synth.py')


def _run(args: list[str], cwd: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, OMP_NUM_THREADS='1')
    proc = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


@pytest.fixture(scope='module')
def tested(tmp_path_factory):
    from wildpose.apis import init_model

    root = tmp_path_factory.mktemp('test_tool')
    torch.manual_seed(0)
    ckpt = str(root / 'untrained.pth')
    torch.save({'state_dict': init_model(CONFIG).state_dict(), 'meta': {}}, ckpt)
    proc = _run([osp.join(REPO, 'tools', 'test.py'), CONFIG, ckpt, '--work-dir', 'work',
                 '--dump', 'work/preds.npz', '--show-dir', 'pics', '--show-max', '2',
                 '--flip-test', '--speed-iters', '2'], cwd=str(root))
    return root, proc


def test_metrics_report_and_json_agree(tested):
    root, proc = tested
    work = root / 'work'
    metrics = json.load(open(work / 'metrics.json'))
    report = json.load(open(work / 'report.json'))
    md = open(work / 'report.md').read()
    for key in ('lab/mpjpe', 'wild/pa_mpjpe', 'wild/pck', 'joint/r_knee/mpjpe'):
        assert key in metrics  # per-joint metrics switched on by the tool
        assert report['metrics'][key] == pytest.approx(metrics[key])
    assert f"| lab | {metrics['lab/mpjpe']:.2f} |" in md
    assert report['meta']['flip_test'] is True and report['meta']['test_samples'] == 16
    assert report['model']['params'] > 0 and report['model']['flops'] > 0
    speed = report['speed']
    assert speed['images_per_s'] > 0 and speed['batch_size'] == 8 and speed['flip_test']
    assert speed['dtype'] == 'float32' and speed['device'] == 'cpu'
    env = report['environment']
    assert env['torch'] == torch.__version__ and 'mmengine' in env and 'mmcv' in env
    for heading in ('### Per split', '### Per joint', '## Model', '## Inference speed',
                    '## Environment'):
        assert heading in md
    assert 'task/s' in proc.stdout  # the progress bar


def test_pictures_and_dump(tested):
    root, _ = tested
    pics = sorted(os.listdir(root / 'pics'))
    # --show-max 2: the first two samples of each domain
    assert pics == ['000_lab_000000.png', '001_lab_000001.png', '002_wild_000000.png',
                    '003_wild_000001.png']
    with np.load(root / 'work' / 'preds.npz', allow_pickle=False) as data:
        assert data['pred_keypoints'].shape == (16, 16, 2)
        assert data['pred_keypoints_3d'].shape == (16, 16, 3)
        assert data['pred_scores'].shape == (16, 16)
        assert data['sample_idx'].shape == (16,) and data['keypoints'].shape == (16, 16, 2)
        assert data['keypoints_3d'].shape == (16, 16, 3)  # both test splits have 3D truth
        assert sorted(set(data['domain'].tolist())) == ['lab', 'wild']
        assert data['img_path'].dtype.kind == 'U'


def test_recompute_report_gives_the_same_metrics(tested):
    root, _ = tested
    _run([osp.join(REPO, 'tools', 'analysis', 'recompute_report.py'), 'work/preds.npz',
          '--out-dir', 'again'], cwd=str(root))
    first = json.load(open(root / 'work' / 'metrics.json'))
    again = json.load(open(root / 'again' / 'metrics.json'))
    assert first.keys() == again.keys()
    for key in first:
        assert again[key] == pytest.approx(first[key], rel=1e-9), key
    report = json.load(open(root / 'again' / 'report.json'))
    assert report['tables'] == json.load(open(root / 'work' / 'report.json'))['tables']
    assert report['meta']['recomputed_from'].endswith('preds.npz')
