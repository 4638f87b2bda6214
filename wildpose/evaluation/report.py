"""The benchmark report of a test run: one dict, written as JSON and as Markdown.

Both files come from the same dict (:func:`build_report`), so they hold the same numbers
(the Markdown rounds them to two decimals). Metric keys are split into tables by their
names (see :mod:`wildpose.evaluation.metrics.base`):

- ``overall``: keys without '/' (``mpjpe``, ``mpjpe_action_mean``, ``pckh``, ...);
- ``split``: ``<group>/<metric>`` (e.g. the domains ``lab`` and ``wild``);
- ``action``, ``scene``, ``joint``: ``<kind>/<name>/<metric>``.

A metric ``prefix`` in front (``h36m/action/Walk/mpjpe``) names its own tables
(``h36m/action``).
"""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import os.path as osp
from typing import Any

from ..structures.skeleton import JOINT_NAMES

KINDS = ('action', 'scene', 'joint')
TITLES = {'overall': 'Overall', 'split': 'Per split', 'action': 'Per action',
          'scene': 'Per scene type', 'joint': 'Per joint'}
AVERAGING_NOTE = (
    'Averages: a metric without suffix (`mpjpe`, `3dpck`, ...) is over all frames (every '
    'sample weighs the same); `*_action_mean` and `*_scene_mean` are the unweighted means '
    'of the per-action / per-scene values (every action or scene weighs the same; '
    "Human3.6M's usual \"Avg\"). MPJPE is after root (pelvis) alignment (Protocol 1), "
    'PA-MPJPE after similarity Procrustes alignment without reflection (Protocol 2).')


def metric_unit(metric: str, units: dict[str, str]) -> str:
    """The unit of a result name (``mpjpe``, ``mpjpe_action_mean``) as the metrics
    declared it (``units``: see ``evaluator_config.metric_units``); '' if undeclared."""
    base = metric
    for suffix in ('_action_mean', '_scene_mean'):
        base = base[:-len(suffix)] if base.endswith(suffix) else base
    return units.get(base, '')


def _split_key(key: str) -> tuple[str, str | None, str]:
    """'lab/mpjpe' -> ('split', 'lab', 'mpjpe'); 'joint/r_knee/pck' -> ('joint', 'r_knee',
    'pck'); 'mpjpe' -> ('overall', None, 'mpjpe')."""
    parts = key.split('/')
    if len(parts) == 1:
        return 'overall', None, key
    if len(parts) >= 3 and parts[-3] in KINDS:
        table = '/'.join(parts[:-3] + [parts[-3]])
        return table, parts[-2], parts[-1]
    return 'split', '/'.join(parts[:-1]), parts[-1]


def _clean(value: Any) -> float | None:
    """A JSON-safe float (NaN and inf become None)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def metrics_to_tables(metrics: dict[str, float], units: dict[str, str]) -> dict[str, dict]:
    """Group flat metric keys into tables ``{name: {columns, rows}}``.

    ``overall`` has rows ``[metric, value, unit]``; every other table has one row per
    split / action / scene / joint and one column per metric (None where missing).
    """
    overall = [[k, _clean(v), metric_unit(k, units)] for k, v in metrics.items()
               if '/' not in k]
    grouped: dict[str, dict[str, dict[str, float | None]]] = {}
    for key, value in metrics.items():
        table, row, metric = _split_key(key)
        if table == 'overall':
            continue
        grouped.setdefault(table, {}).setdefault(row, {})[metric] = _clean(value)
    tables: dict[str, dict] = {}
    if overall:
        tables['overall'] = dict(columns=['metric', 'value', 'unit'], rows=overall)
    for table, rows in grouped.items():
        columns: list[str] = []
        for values in rows.values():
            columns.extend(m for m in values if m not in columns)
        names = list(rows)
        if table.split('/')[-1] == 'joint':  # skeleton order, not first-seen order
            order = {n: i for i, n in enumerate(JOINT_NAMES)}
            names.sort(key=lambda n: order.get(n, len(order)))
        tables[table] = dict(
            columns=[table.split('/')[-1]] + [
                f'{m} ({metric_unit(m, units)})' if metric_unit(m, units) else m
                for m in columns],
            rows=[[n] + [rows[n].get(m) for m in columns] for n in names])
    return tables


def build_report(metrics: dict[str, float], units: dict[str, str] | None = None,
                 model: dict | None = None, speed: dict | None = None,
                 environment: dict | None = None, meta: dict | None = None
                 ) -> dict[str, Any]:
    """The report as one JSON-safe dict (the source of both files).

    ``units`` maps result names to units, as the metrics declare them
    (:func:`wildpose.evaluation.evaluator_config.metric_units`).
    """
    meta = dict(meta or {})
    meta.setdefault('date', dt.datetime.now().isoformat(timespec='seconds'))
    units = dict(units or {})
    return dict(meta=meta, metrics={k: _clean(v) for k, v in metrics.items()}, units=units,
                tables=metrics_to_tables(metrics, units), averaging=AVERAGING_NOTE,
                model=model or {}, speed=speed or {}, environment=environment or {})


def fmt(value: Any) -> str:
    """Markdown cell text: floats with two decimals, None as 'n/a'."""
    if value is None:
        return 'n/a'
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f'{value:.2f}'
    if isinstance(value, int):
        return f'{value:,}'
    if isinstance(value, (list, tuple)):
        return ' x '.join(str(v) for v in value)
    return str(value).replace('|', '\\|')


def _table(columns: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ['| ' + ' | '.join(columns) + ' |',
             '| ' + ' | '.join(['---'] + ['---:'] * (len(columns) - 1)) + ' |']
    lines += ['| ' + ' | '.join(fmt(c) for c in row) + ' |' for row in rows]
    return lines + ['']


def _scaled(n: int | None, unit: str) -> str:
    if n is None:
        return 'n/a'
    for factor, prefix in ((1e9, 'G'), (1e6, 'M'), (1e3, 'k')):
        if n >= factor:
            return f'{n:,} ({n / factor:.2f} {prefix}{unit})'
    return f'{n:,}'


def render_markdown(report: dict[str, Any]) -> str:
    """The Markdown text of a report dict from :func:`build_report`."""
    out = ['# wildpose test report', '']
    for key, value in report['meta'].items():
        out.append(f'- {key}: {fmt(value)}')
    out += ['', '## Metrics', '', report['averaging'], '']
    for name, table in report['tables'].items():
        kind = name.split('/')[-1]
        title = TITLES.get(kind, kind)
        if '/' in name:
            title += f" ({name.rsplit('/', 1)[0]})"
        out += [f'### {title}', ''] + _table(table['columns'], table['rows'])
    model = report['model']
    if model:
        macs, flops = _scaled(model.get('macs'), 'MACs'), _scaled(model.get('flops'), 'FLOPs')
        out += ['## Model', '', '| quantity | value |', '| --- | ---: |',
                f"| parameters | {_scaled(model.get('params'), '')} |",
                f'| MACs per forward (multiply-add = 1) | {macs} |',
                f'| FLOPs per forward (multiply-add = 2) | {flops} |',
                f"| input shape | {fmt(model.get('input_shape'))} |", '']
        if model.get('note'):
            out += [f"Counted: {model['note']}.", '']
        if model.get('error'):
            out += [f"FLOPs could not be counted: {model['error']}", '']
    speed = report['speed']
    if speed:
        cols = ['images/s', 'ms/image', 'batch size', 'device', 'threads', 'dtype', 'flip test']
        row = [speed.get('images_per_s'), speed.get('ms_per_image'), speed.get('batch_size'),
               f"{speed.get('device')} ({speed.get('device_name')})", speed.get('threads'),
               speed.get('dtype'), speed.get('flip_test')]
        out += ['## Inference speed', ''] + _table(cols, [row])
        out += [f"Measured: {speed.get('what', '')}; {speed.get('iters')} timed batches after "
                f"{speed.get('warmup')} warm-up batches, input {fmt(speed.get('input_shape'))}.",
                '']
    env = report['environment']
    if env:
        out += ['## Environment', '', '| item | value |', '| --- | --- |']
        out += [f'| {k} | {fmt(v)} |' for k, v in env.items()] + ['']
    return '\n'.join(out)


def write_report(work_dir: str, report: dict[str, Any], name: str = 'report'
                 ) -> tuple[str, str]:
    """Write ``<work_dir>/<name>.md`` and ``<work_dir>/<name>.json``; return both paths."""
    os.makedirs(work_dir, exist_ok=True)
    md_path = osp.join(work_dir, f'{name}.md')
    json_path = osp.join(work_dir, f'{name}.json')
    with open(json_path, 'w') as f:
        json.dump(report, f, indent=2, allow_nan=False)
    with open(md_path, 'w') as f:
        f.write(render_markdown(report))
    return md_path, json_path
