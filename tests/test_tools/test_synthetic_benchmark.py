"""tools/analysis/synthetic_benchmark.py: mean and spread over seeds, the table, the doc."""
from __future__ import annotations

import pytest
from repo_files import load_tool


@pytest.fixture(scope='module')
def tool():
    return load_tool('analysis/synthetic_benchmark.py')


def _run(tool, wild: float, seconds: float) -> dict:
    metrics = {k: 10.0 for k, _ in tool.COLUMNS}
    metrics['wild/mpjpe'] = wild
    return dict(metrics=metrics, train_seconds=seconds)


def test_mean_and_sample_std_over_seeds(tool):
    summary = tool.summarise([_run(tool, 170.0, 60), _run(tool, 176.0, 120),
                              _run(tool, 173.0, 90)])
    assert summary['wild/mpjpe']['mean'] == pytest.approx(173.0)
    assert summary['wild/mpjpe']['std'] == pytest.approx(3.0)  # ddof=1
    assert summary['lab/mpjpe']['std'] == 0.0
    assert summary['train_seconds']['mean'] == pytest.approx(90.0)


def test_the_table_has_the_baseline_and_no_spread_for_one_seed(tool):
    three = tool.summarise([_run(tool, 170.0, 60), _run(tool, 176.0, 60)])
    one = tool.summarise([_run(tool, 168.0, 60)])
    baseline = {'lab/mpjpe': 235.5, 'wild/mpjpe': 249.7}
    table = tool.format_table({'a': three, 'b': one}, {'a': 'A', 'b': 'B'}, baseline, [0, 1])
    rows = table.splitlines()
    assert '| `a` | A | 10.0 ± 0.0 |' in rows[2] and '173.0 ± 4.2' in rows[2]
    assert rows[3].startswith('| `b` | B | 10.0 |') and '168.0 |' in rows[3]
    assert 'nan' not in table
    assert rows[4].startswith(f'| {tool.MEAN_POSE} |') and '249.7' in rows[4]


def test_the_doc_block_is_replaced_between_its_markers(tool, tmp_path):
    doc = tmp_path / 'bench.md'
    doc.write_text('# B\n\nbefore\n\n<!-- synthetic-benchmark:main:start -->\nold\n'
                   '<!-- synthetic-benchmark:main:end -->\n\nafter\n')
    tool.write_doc(str(doc), '| new |', 'python x.py', 'main', '')
    text = doc.read_text()
    assert 'old' not in text and '| new |' in text and 'python x.py' in text
    assert text.startswith('# B\n\nbefore') and text.endswith('after\n')
    tool.write_doc(str(doc), '| other |', 'python y.py', 'fp32', '')  # a second table
    assert '| new |' in doc.read_text() and '| other |' in doc.read_text()
