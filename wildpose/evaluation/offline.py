"""Run registered metrics on stored samples (a prediction dump), without a model."""
from __future__ import annotations

from typing import Any, Sequence

from .evaluator_config import numeric_metric_configs


def evaluate_samples(samples: Sequence[dict], evaluator_cfg: Any,
                     batch_size: int = 64) -> dict[str, float]:
    """Feed ``samples`` (dicts as the metrics receive them from the test loop) to every
    metric of ``evaluator_cfg`` and merge their results, as mmengine's Evaluator does.

    Raises ``ValueError`` when two metrics produce the same key.
    """
    from ..registry import METRICS

    metrics: dict[str, float] = {}
    for cfg in numeric_metric_configs(evaluator_cfg):
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
