"""The one reading of an evaluator config: which metrics it holds and what they declare.

``val_evaluator`` / ``test_evaluator`` may be one metric dict, a list of them, or a dict
with ``metrics`` (mmengine's ``Evaluator`` form). Everything that looks at an evaluator
(``tools/test.py``, the offline re-evaluation of a dump, the config checks, the report's
units) goes through :func:`metric_configs` and asks the metric classes what they
declare (:class:`~wildpose.evaluation.metrics.base.WildposeMetric`).
"""
from __future__ import annotations

from typing import Any


def metric_configs(evaluator_cfg: Any) -> list[dict]:
    """The metric configs of an evaluator config, as a list of (copied) dicts.

    Raises:
        TypeError: an entry is not a dict with a ``type``.
    """
    cfg = evaluator_cfg
    if isinstance(cfg, dict) and 'metrics' in cfg:
        cfg = cfg['metrics']
    if cfg is None:
        return []
    cfgs = list(cfg) if isinstance(cfg, (list, tuple)) else [cfg]
    for c in cfgs:
        if not isinstance(c, dict) or 'type' not in c:
            raise TypeError(f"each metric config must be a dict with a 'type', got {c!r}")
    return [dict(c) for c in cfgs]


def metric_class(cfg: dict) -> type:
    """The class a metric config builds (a ``KeyError`` naming an unknown type)."""
    from ..registry import METRICS, check_type

    if not isinstance(cfg['type'], str):
        return cfg['type']
    check_type(cfg, METRICS)
    return METRICS.get(cfg['type'])


def produces_numbers(cfg: dict) -> bool:
    """False for collectors (our ``PredictionCollector``, mmengine's ``DumpResults``)."""
    from mmengine.evaluator import DumpResults

    cls = metric_class(cfg)
    return bool(getattr(cls, 'produces_numbers', True)) and not issubclass(cls, DumpResults)


def numeric_metric_configs(evaluator_cfg: Any) -> list[dict]:
    """:func:`metric_configs` without the collectors."""
    return [c for c in metric_configs(evaluator_cfg) if produces_numbers(c)]


def with_per_joint(cfgs: list[dict]) -> list[dict]:
    """The configs with ``per_joint=True`` (unless set) where the metric supports it."""
    return [dict(c, per_joint=c.get('per_joint', True))
            if getattr(metric_class(c), 'supports_per_joint', False) else dict(c)
            for c in cfgs]


def metric_units(cfgs: list[dict]) -> dict[str, str]:
    """Result name -> unit, merged over the metrics' ``units`` declarations."""
    units: dict[str, str] = {}
    for c in cfgs:
        units.update(getattr(metric_class(c), 'units', {}) or {})
    return units
