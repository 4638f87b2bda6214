"""tools/analysis/benchmark_ops.py, on tiny sizes: it runs, checks agreement, writes a table."""
import torch
from repo_files import load_script

TOOL = 'tools/analysis/benchmark_ops.py'


def _tool():
    return load_script(TOOL)


def test_loop_version_matches_the_reference():
    tool = _tool()
    xy, z, visible, has_3d = tool._loss_inputs(6, 'cpu')
    z1 = z.clone().requires_grad_()
    z2 = z.clone().requires_grad_()
    loss = tool.loop_bone_ratio_loss(xy, z1, visible, has_3d)
    ref = tool.ops.bone_ratio_loss_reference(xy, z2, visible, has_3d)
    torch.testing.assert_close(loss, ref, rtol=1e-5, atol=1e-7)
    loss.backward()
    ref.backward()
    torch.testing.assert_close(z1.grad, z2.grad, rtol=1e-4, atol=1e-7)


def test_runs_and_writes_a_markdown_table(library, tmp_path, monkeypatch, capsys):
    tool = _tool()
    monkeypatch.setattr(tool, 'SOFT_ARGMAX_SHAPE', (2, 3, 8, 8))
    monkeypatch.setattr(tool, 'LOSS_BATCHES', (4,))
    monkeypatch.setattr(tool, 'ROUNDS', 1)
    out = tmp_path / 'table.md'
    assert tool.main(['--device', 'cpu', '--min-time', '0.01', '--threads', '1',
                      '--markdown', str(out)]) == 0
    text = out.read_text()
    assert '| soft_argmax | 2x3x8x8 | cpu | 1 | forward |' in text
    assert '| bone_ratio_loss | B=4 | cpu | 1 | forward+backward |' in text
    assert 'per-sample loop (ms)' in text and 'build' in text.splitlines()[0]
    assert text.split('\n\n', 1)[1].strip() in capsys.readouterr().out
