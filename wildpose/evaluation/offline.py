"""Run registered metrics on stored samples (a prediction dump), without a model."""
from __future__ import annotations

from typing import Any, Sequence

#: metric types that produce no numbers and are skipped offline
_NOT_METRICS = ('PredictionCollector', 'DumpResults')


def metric_configs(evaluator_cfg: Any) -> list[dict]:
    """The list of metric configs in a ``test_evaluator`` config (a dict with
    ``metrics``, one metric dict, or a list of them), without dump-only entries."""
    cfg = evaluator_cfg
    if isinstance(cfg, dict) and 'metrics' in cfg:
        cfg = cfg['metrics']
    cfgs = list(cfg) if isinstance(cfg, (list, tuple)) else [cfg]
    for c in cfgs:
        if not isinstance(c, dict) or 'type' not in c:
            raise TypeError(f"each metric config must be a dict with a 'type', got {c!r}")
    return [dict(c) for c in cfgs if c['type'] not in _NOT_METRICS]


def evaluate_samples(samples: Sequence[dict], evaluator_cfg: Any,
                     batch_size: int = 64) -> dict[str, float]:
    """Feed ``samples`` (dicts as the metrics receive them from the test loop) to every
    metric of ``evaluator_cfg`` and merge their results, as mmengine's Evaluator does.

    Raises ``ValueError`` when two metrics produce the same key.
    """
    from ..registry import METRICS

    metrics: dict[str, float] = {}
    for cfg in metric_configs(evaluator_cfg):
        metric = METRICS.build(cfg)
        for start in range(0, len(samples), batch_size):
            metric.process(None, list(samples[start:start + batch_size]))
        result = metric.evaluate(len(samples))
        clash = set(result) & set(metrics)
        if clash:
            raise ValueError(f'metrics produce the same keys {sorted(clash)}: give one of '
                             f"them a 'prefix'")
        metrics.update({k: float(v) for k, v in result.items()})
    return metrics
