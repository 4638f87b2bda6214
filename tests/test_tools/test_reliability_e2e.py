"""End to end, as a hostile user: the tools end with one line naming the file or the
iteration, run nothing from a checkpoint, and never save NaN (issue 12)."""
from __future__ import annotations

import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(REPO, 'tests', 'data', 'configs', 'tiny_mixed_synth.py')
SHORT = ['--cfg-options', 'train_cfg.max_iters=2', 'train_cfg.val_interval=100',
         'default_hooks.checkpoint.interval=1']

pytestmark = pytest.mark.slow


def _tool(name: str, *args: str, cwd: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, OMP_NUM_THREADS='1')
    env.pop('WILDPOSE_DEBUG', None)
    return subprocess.run([sys.executable, osp.join(REPO, 'tools', name), *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=300)


def _one_line_error(proc: subprocess.CompletedProcess, *needles: str) -> str:
    """The run failed with exit 2 and one stderr line (after the log) holding ``needles``."""
    assert proc.returncode == 2, proc.stdout[-2000:] + proc.stderr[-3000:]
    lines = [ln for ln in proc.stderr.splitlines() if ': error: ' in ln]
    assert len(lines) == 1, proc.stderr[-3000:]
    assert 'Traceback' not in proc.stderr and 'weights_only=False' not in proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """A two-iteration run: (folder, work dir, checkpoint of iteration 2)."""
    root = tmp_path_factory.mktemp('reliability')
    work = str(root / 'work')
    proc = _tool('train.py', CONFIG, '--work-dir', work, *SHORT, cwd=str(root))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return root, work, osp.join(work, 'iter_2.pth')


def test_divergence_stops_with_one_line_and_no_nan_checkpoint(trained, tmp_path):
    root, _, _ = trained
    work = str(tmp_path / 'nan')
    proc = _tool('train.py', CONFIG, '--work-dir', work, '--cfg-options',
                 'optim_wrapper.optimizer.lr=1e6', 'default_hooks.checkpoint.interval=1',
                 cwd=str(root))
    line = _one_line_error(proc, 'NonFiniteLossError: iteration ', 'loss term')
    assert 'is kept as it was' in line or 'no checkpoint was saved' in line
    for name in os.listdir(work):
        if name.endswith('.pth'):
            state = torch.load(osp.join(work, name), map_location='cpu', weights_only=False)
            assert all(torch.isfinite(t).all() for t in state['state_dict'].values()), name


def _reshaped(path: str, out: str, prefix: str = 'head_depth.') -> str:
    state = torch.load(path, map_location='cpu', weights_only=False)['state_dict']
    key = next(k for k, v in state.items() if k.startswith(prefix) and v.dim() >= 2)
    state[key] = torch.zeros(*[n + 1 for n in state[key].shape])
    torch.save({'state_dict': state, 'meta': {}}, out)
    return key


def test_load_from_another_shape_is_refused_unless_the_config_allows_it(trained, tmp_path):
    root, _, ckpt = trained
    other = str(tmp_path / 'other_shape.pth')
    key = _reshaped(ckpt, other)
    work = str(tmp_path / 'ft')
    proc = _tool('train.py', CONFIG, '--work-dir', work, *SHORT, f'load_from={other}',
                 cwd=str(root))
    _one_line_error(proc, 'other_shape.pth does not fit this model', key,
                    'load_from_may_differ')
    proc = _tool('train.py', CONFIG, '--work-dir', work, *SHORT, f'load_from={other}',
                 "load_from_may_differ=['head_depth.']", cwd=str(root))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'keep their initial values' in proc.stdout + proc.stderr
    # the test tool and the API apply the same policy to the same file
    proc = _tool('test.py', CONFIG, other, '--work-dir', str(tmp_path / 't'), '--no-report',
                 cwd=str(root))
    _one_line_error(proc, 'other_shape.pth does not fit this model', key)


def test_resume_from_a_bad_checkpoint_names_the_file_and_runs_nothing(trained, tmp_path):
    root, _, ckpt = trained
    wrong = str(tmp_path / 'wrong_shape.pth')
    _reshaped(ckpt, wrong)
    proc = _tool('train.py', CONFIG, '--work-dir', str(tmp_path / 'w1'), '--resume', wrong,
                 cwd=str(root))
    _one_line_error(proc, 'wrong_shape.pth does not fit this model')
    corrupt = tmp_path / 'corrupt.pth'
    corrupt.write_bytes(open(ckpt, 'rb').read()[:5000])
    proc = _tool('train.py', CONFIG, '--work-dir', str(tmp_path / 'w2'), '--resume',
                 str(corrupt), cwd=str(root))
    _one_line_error(proc, 'corrupt.pth: cannot be read', 'truncated or corrupt')
    marker = tmp_path / 'PWNED'
    evil = str(tmp_path / 'evil.pth')
    torch.save({'state_dict': {}, 'x': _Payload(str(marker))}, evil)
    for tool, args in (('train.py', ['--resume', evil]),
                       ('train.py', ['--cfg-options', f'load_from={evil}']),
                       ('test.py', [evil, '--no-report'])):
        extra = [CONFIG, evil, '--no-report'] if tool == 'test.py' else [CONFIG, *args]
        proc = _tool(tool, *extra, '--work-dir', str(tmp_path / 'w3'), cwd=str(root))
        _one_line_error(proc, 'evil.pth: cannot be read', 'outside the weights-only allowlist')
        assert not marker.exists()


class _Payload:
    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, 'w'))
