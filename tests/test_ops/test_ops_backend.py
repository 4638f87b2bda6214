"""Backend choice of wildpose.ops: env var, lazy loading, fallback warning, report."""
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import torch

import wildpose.ops as ops
from wildpose.ops import _build, _loader
from wildpose.ops.backend_report import backend_report, format_report

REPO = Path(__file__).resolve().parents[2]


def _run(code_or_args, env_extra=None):
    env = dict(os.environ)
    env.pop(_loader.ENV_MODE, None)
    env.update(env_extra or {})
    args = ['-c', code_or_args] if isinstance(code_or_args, str) else code_or_args
    return subprocess.run([sys.executable, *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)


def test_env_var_forces_the_reference(monkeypatch, library):
    monkeypatch.setenv(_loader.ENV_MODE, 'reference')
    x = torch.randn(2, 3, 6, 6, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter('error')   # choosing the reference is not worth a warning
        coords = ops.soft_argmax(x)
        z = torch.randn(2, 16, requires_grad=True)
        loss = ops.bone_ratio_loss(torch.randn(2, 16, 2), z, torch.ones(2, 16),
                                   torch.zeros(2, dtype=torch.bool))
    assert 'SoftArgmaxFunction' not in type(coords.grad_fn).__name__
    assert 'BoneRatioLossFunction' not in type(loss.grad_fn).__name__
    report = backend_report()
    assert report['mode'] == 'reference'
    assert all(entry['backend'] == 'reference' for devices in report['ops'].values()
               for entry in devices.values())
    monkeypatch.setenv(_loader.ENV_MODE, 'auto')
    assert 'SoftArgmaxFunction' in type(ops.soft_argmax(x).grad_fn).__name__


def test_bad_env_value_is_a_clear_error(monkeypatch):
    monkeypatch.setenv(_loader.ENV_MODE, 'fast')
    with pytest.raises(ValueError, match='WILDPOSE_OPS must be one of'):
        ops.soft_argmax(torch.zeros(1, 1, 2, 2))


def test_report_says_compiled_on_cpu_and_why(library):
    report = backend_report()
    assert report['library']['loaded'] and report['library']['kind'] in ('aot', 'jit')
    for op in ('soft_argmax', 'bone_ratio_loss'):
        assert report['ops'][op]['cpu']['backend'] == 'compiled'
        assert 'C++ kernels' in report['ops'][op]['cpu']['reason']
        cuda = report['ops'][op]['cuda']
        assert cuda['backend'] == ('compiled' if library.cuda else 'reference')
    text = format_report(report)
    assert 'soft_argmax' in text and 'bone_ratio_loss' in text
    assert f'source-hash={_build.source_hash()}' in text


def test_fallback_warns_once_and_runs_the_reference(monkeypatch):
    monkeypatch.setattr(_loader, '_library', _loader.Library(notes=['simulated: no compiler']))
    monkeypatch.setattr(_loader, '_warned', False)
    x = torch.randn(2, 3, 5, 5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        first = ops.soft_argmax(x)
        ops.soft_argmax(x)
        ops.bone_ratio_loss(torch.randn(1, 16, 2), torch.randn(1, 16), torch.ones(1, 16),
                            torch.zeros(1, dtype=torch.bool))
    messages = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    assert len(messages) == 1
    assert 'simulated: no compiler' in messages[0] and 'WILDPOSE_OPS=reference' in messages[0]
    torch.testing.assert_close(first, ops.soft_argmax_reference(x))
    assert backend_report()['ops']['soft_argmax']['cpu']['backend'] == 'reference'


def test_compiled_mode_refuses_the_fallback(monkeypatch):
    monkeypatch.setattr(_loader, '_library', _loader.Library(notes=['simulated']))
    monkeypatch.setenv(_loader.ENV_MODE, 'compiled')
    with pytest.raises(RuntimeError, match='WILDPOSE_OPS=compiled.*simulated'):
        ops.soft_argmax(torch.zeros(1, 1, 2, 2))


def test_stale_ahead_of_time_build_is_skipped(tmp_path, monkeypatch):
    fake = tmp_path / '_C.so'
    fake.write_bytes(b'\x7fELF...' + _build.HASH_MARKER + b'0123456789abcdef' + b'\0rest')
    assert _loader.built_hash(fake) == '0123456789abcdef'
    monkeypatch.setattr(_loader, 'aot_candidates', lambda: [fake])
    lib = _loader.Library()
    assert not _loader._try_aot(lib, _build.source_hash())
    assert 'stale' in lib.notes[0] and str(fake) in lib.notes[0]


def test_failed_jit_build_is_reported(tmp_path, monkeypatch):
    broken = tmp_path / 'broken.cpp'
    broken.write_text('this is not C++;\n')
    monkeypatch.setenv('WILDPOSE_OPS_CACHE', str(tmp_path / 'cache'))
    monkeypatch.setattr(_build, 'sources', lambda with_cuda: [str(broken)])
    monkeypatch.setattr(_loader, '_cuda_buildable', lambda: (False, 'test'))
    monkeypatch.setattr(_loader, 'JIT_NAME', 'wildpose_ops_broken')   # torch's versioner
    lib = _loader.Library()
    assert not _loader._try_jit(lib, 'f' * 16)
    assert not lib.loaded and 'just-in-time build' in lib.notes[-1] and 'failed' in lib.notes[-1]
    lib = _loader.Library()   # a later process does not retry the same sources
    assert not _loader._try_jit(lib, 'f' * 16)
    assert 'earlier just-in-time build of these sources failed' in lib.notes[-1]
    monkeypatch.setenv(_loader.ENV_JIT, '0')
    lib = _loader.Library()
    assert not _loader._try_jit(lib, 'f' * 16)
    assert 'disabled' in lib.notes[-1]


def test_cache_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv('WILDPOSE_OPS_CACHE', raising=False)
    monkeypatch.setenv('TORCH_EXTENSIONS_DIR', str(tmp_path))
    folder = _build.cache_dir('2.5.0+cpu', None)
    assert folder.parent == tmp_path / 'wildpose_ops' and '2.5.0' in folder.name
    assert _build.cache_dir('2.5.0', '12.4') != _build.cache_dir('2.5.0', None)
    monkeypatch.setenv('WILDPOSE_OPS_CACHE', str(tmp_path / 'mine'))
    assert _build.cache_dir('2.5.0', None).parent == tmp_path / 'mine'


def test_import_compiles_and_loads_nothing_until_the_first_call(library):
    result = _run(
        'import torch, wildpose, wildpose.ops as ops\n'
        'from wildpose.ops import _loader\n'
        'assert _loader._library is None and not torch.ops.loaded_libraries\n'
        'ops.soft_argmax(torch.zeros(1, 1, 2, 2))\n'
        'assert _loader._library.loaded and torch.ops.loaded_libraries\n'
        'print("lazy ok")\n')
    assert result.returncode == 0, result.stderr
    assert 'lazy ok' in result.stdout


def test_module_entry_point_prints_the_backends(library):
    result = _run(['-m', 'wildpose.ops'])
    assert result.returncode == 0, result.stderr
    assert 'soft_argmax      cpu   compiled' in result.stdout
    assert 'bone_ratio_loss  cpu   compiled' in result.stdout
    forced = _run(['-m', 'wildpose.ops'], {_loader.ENV_MODE: 'reference'})
    assert forced.returncode == 0
    assert 'soft_argmax      cpu   reference  $WILDPOSE_OPS=reference' in forced.stdout
