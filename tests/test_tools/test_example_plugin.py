"""projects/example_plugin: its own head and loss, its config inheriting wildpose's by
package name, trained and tested from a copy outside the repository."""
from __future__ import annotations

import json
import os
import os.path as osp
import shutil
import subprocess
import sys

import pytest
from repo_files import load_script

from wildpose.engine.checkpoint import load_state_dict

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PROJECT = osp.join(REPO, 'projects', 'example_plugin')
CONFIG = 'configs/hg_mixed_synth_pooled_depth.py'

pytestmark = pytest.mark.slow


def _tiny_options() -> list[str]:
    """A few samples and iterations instead of the main job's thousands: the docs' tiny
    settings (tests/test_docs/doc_blocks.py) with 3 iterations."""
    return load_script('tests/test_docs/doc_blocks.py').tiny_options(iters=3)


def _tool(name: str, *args: str, cwd: str) -> subprocess.CompletedProcess:
    # the plugin is imported from the project folder, as its README says (PYTHONPATH=.)
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH='.')
    proc = subprocess.run([sys.executable, osp.join(REPO, 'tools', name), *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def test_the_example_plugin_trains_and_tests_outside_the_repository(tmp_path):
    project = tmp_path / 'my_project'  # a copy elsewhere: no relative path to configs/
    shutil.copytree(PROJECT, project)
    cwd = str(project)
    _tool('train.py', CONFIG, '--work-dir', 'work', '--cfg-options', *_tiny_options(),
          cwd=cwd)
    ckpt = project / 'work' / 'iter_3.pth'
    state = load_state_dict(str(ckpt))  # weights-only, as the tools read it
    # the plugin's head (an MLP on pooled features) replaced the base depth head
    assert state['head_depth.mlp.0.weight'].shape == (128, 64)
    assert state['head_depth.mlp.2.weight'].shape == (16, 128)
    assert not [k for k in state if k.startswith('head_depth.stages')]
    dumped = (project / 'work' / 'hg_mixed_synth_pooled_depth.py').read_text()
    assert "type='SmoothL1DepthLoss'" in dumped
    logs = [osp.join(d, f) for d, _, fs in os.walk(project / 'work') for f in fs
            if f.endswith('.log')]
    assert 'loss_depth' in open(logs[0]).read()

    _tool('test.py', CONFIG, str(ckpt), '--work-dir', 'test', '--no-report',
          '--cfg-options', *_tiny_options(), cwd=cwd)
    metrics = json.load(open(project / 'test' / 'metrics.json'))
    assert metrics['lab/mpjpe'] > 0 and metrics['wild/mpjpe'] > 0
