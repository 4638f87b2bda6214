"""The report writer: tables from metric keys, Markdown and JSON with the same numbers."""
from __future__ import annotations

import json

import pytest
import torch
from torch import nn

from wildpose.evaluation.profiling import (count_parameters, environment_info, measure_speed,
                                           model_complexity)
from wildpose.evaluation.report import (build_report, metric_unit, metrics_to_tables,
                                        render_markdown, write_report)


FAKE = {'mpjpe': 61.234, 'pa_mpjpe': 45.6789, 'mpjpe_action_mean': 63.5, 'pck': 88.125,
        'lab/mpjpe': 55.5, 'wild/mpjpe': 70.25, 'lab/pck': 90.0,
        'action/Walking/mpjpe': 50.4, 'action/Sitting/mpjpe': 76.875,
        'joint/l_knee/mpjpe': 40.5, 'joint/r_ankle/mpjpe': 80.25,
        'scene/GS/3dpck': 77.75, 'scene/Outdoor/3dpck': 60.0, '3dpck': 70.0,
        'h36m/action/Eating/mpjpe': 58.0, 'wild/pckh': float('nan')}


UNITS = {'mpjpe': 'mm', 'pa_mpjpe': 'mm', 'pck': '%', 'pckh': '%', '3dpck': '%',
         '3dpck_auc': '%'}


def test_tables_follow_the_key_names():
    tables = metrics_to_tables(FAKE, UNITS)
    assert set(tables) == {'overall', 'split', 'action', 'scene', 'joint', 'h36m/action'}
    assert tables['split']['columns'] == ['split', 'mpjpe (mm)', 'pck (%)', 'pckh (%)']
    assert tables['split']['rows'] == [['lab', 55.5, 90.0, None], ['wild', 70.25, None, None]]
    assert tables['joint']['rows'] == [['r_ankle', 80.25], ['l_knee', 40.5]]  # skeleton order
    assert ['mpjpe_action_mean', 63.5, 'mm'] in tables['overall']['rows']
    assert tables['h36m/action']['rows'] == [['Eating', 58.0]]
    assert metric_unit('3dpck_auc_scene_mean', UNITS) == '%'
    assert metric_unit('pa_mpjpe', UNITS) == 'mm' and metric_unit('mystery', UNITS) == ''


def test_units_come_from_what_the_metrics_declare():
    from wildpose.evaluation.evaluator_config import (metric_units, numeric_metric_configs,
                                                      with_per_joint)
    from wildpose.utils import register_all_modules
    register_all_modules()
    cfgs = [dict(type='MPJPEMetric'), dict(type='LeftRightMetric'),
            dict(type='PredictionCollector'), dict(type='PCK3DMetric', per_joint=False)]
    numeric = numeric_metric_configs(dict(metrics=cfgs))
    assert [c['type'] for c in numeric] == ['MPJPEMetric', 'LeftRightMetric', 'PCK3DMetric']
    assert [c.get('per_joint') for c in with_per_joint(numeric)] == [True, None, False]
    units = metric_units(numeric)
    assert units == {'mpjpe': 'mm', 'pa_mpjpe': 'mm', 'lr_confusion': '%', '3dpck': '%',
                     '3dpck_auc': '%'}


def test_markdown_and_json_hold_the_same_numbers(tmp_path):
    model = dict(params=14_400_000, macs=16_000_000_000, flops=32_000_000_000,
                 input_shape=[1, 3, 256, 256])
    speed = dict(images_per_s=12.5, ms_per_image=80.0, batch_size=4, device='cpu',
                 device_name='Some CPU', threads=2, dtype='float32', flip_test=False,
                 iters=3, warmup=1, input_shape=[3, 256, 256], what='network forward')
    env = dict(torch='2.x', mmengine='0.10.7', mmcv='2.2.0', wildpose='0.1.0', cpu='Some CPU')
    report = build_report(FAKE, UNITS, model, speed, env, meta=dict(config='c.py'))
    md_path, json_path = write_report(str(tmp_path), report)
    md = open(md_path).read()
    data = json.load(open(json_path))
    assert data == json.loads(json.dumps(report))
    assert md == render_markdown(data)  # the Markdown is a pure function of the JSON
    assert data['metrics']['wild/pckh'] is None  # NaN is not valid JSON
    for table in data['tables'].values():
        for row in table['rows']:
            for value in row[1:]:
                if isinstance(value, float):
                    assert f'{value:.2f}' in md
    for text in ('| lab | 55.50 | 90.00 | n/a |', '| Walking | 50.40 |', '14,400,000',
                 '32.00 GFLOPs', '| 12.50 | 80.00 | 4 | cpu (Some CPU) | 2 | float32 |',
                 '| mmengine | 0.10.7 |', 'over all frames', '- config: c.py'):
        assert text in md, text


class _Toy(nn.Module):
    """Stands in for a wildpose model: forward(x, mode='tensor') -> nested outputs."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1, bias=False)

    def forward(self, x, data_samples=None, mode='tensor'):
        y = self.conv(x)
        return [y], y.mean(dim=(2, 3))


def test_complexity_speed_and_environment():
    model = _Toy()
    info = model_complexity(model, input_size=(8, 6))
    assert info['params'] == count_parameters(model) == 4 * 3 * 9
    # conv: one multiply-add per weight and output pixel
    assert info['macs'] >= 4 * 3 * 9 * 6 * 8 and info['flops'] == 2 * info['macs']
    speed = measure_speed(model, (8, 6), batch_size=2, iters=2, warmup=1, flip_test=True)
    assert speed['images_per_s'] > 0
    assert speed['ms_per_image'] == pytest.approx(1000.0 / speed['images_per_s'])
    assert speed['batch_size'] == 2 and speed['dtype'] == 'float32' and speed['threads'] >= 1
    env = environment_info()
    assert env['torch'] == torch.__version__ and env['mmengine'] != 'not installed'
    assert {'mmcv', 'numpy', 'wildpose', 'cpu'} <= set(env)
    with pytest.raises(ValueError, match='iters'):
        measure_speed(model, (8, 6), iters=0)
