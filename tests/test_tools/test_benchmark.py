"""tools/analysis/benchmark.py: the network rows and the operator profile of a training step."""
from __future__ import annotations

import json
import os.path as osp

import pytest
from repo_files import REPO, load_tool

TINY = osp.join(REPO, 'tests', 'data', 'configs', 'tiny_mixed_synth.py')


@pytest.fixture(scope='module')
def tool():
    return load_tool('analysis/benchmark.py')


@pytest.mark.parametrize('event,kind', [
    ('aten::convolution_backward', 'convolutions'), ('aten::mkldnn_convolution', 'convolutions'),
    ('aten::native_batch_norm_backward', 'batch norm'), ('aten::threshold_backward', 'ReLU'),
    ('aten::clamp_min_', 'ReLU'), ('aten::max_pool2d_with_indices', 'pooling, up-sampling'),
    ('aten::upsample_nearest2d_backward', 'pooling, up-sampling'),
    ('aten::addmm', 'matrix products'), ('aten::add_', 'additions'),
    ('aten::_to_copy', 'casts, copies'), ('aten::_fused_adamw_', 'optimiser'),
    ('Optimizer.step#AdamW.step', 'optimiser'), ('aten::mean', 'other'),
])
def test_operator_kinds(tool, event, kind):
    assert tool.op_kind(event) == kind


def test_train_rows_and_operator_profile(tool, tmp_path):
    out = tmp_path / 'rows.json'
    md = tmp_path / 'rows.md'
    tool.main([TINY, '--mode', 'train', '--threads', '1', '--batch-size', '2',
               '--variants', 'fp32', '--rounds', '1', '--steps', '1', '--warmup', '1',
               '--op-profile', 'fp32', '--json', str(out), '--markdown', str(md)])
    rows = json.loads(out.read_text())
    train = [r for r in rows if r['mode'] == 'train']
    assert [r['variant'] for r in train] == ['fp32']
    assert train[0]['images_per_s'] > 0 and train[0]['speedup'] == pytest.approx(1.0)
    ops = {r['variant']: r for r in rows if r['mode'] == 'op_profile'}
    assert sum(r['share'] for r in ops.values()) == pytest.approx(1.0)
    # a convolutional network's step spends time in convolutions and batch norm
    assert ops['ops:convolutions']['ms_per_step'] > 0
    assert ops['ops:batch norm']['ms_per_step'] > 0
    shares = [r['share'] for r in rows if r['mode'] == 'op_profile']
    assert shares == sorted(shares, reverse=True)
    text = md.read_text()
    assert '| convolutions |' in text and 'training steps of fp32' in text
