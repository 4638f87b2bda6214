"""A pseudo-metric that keeps every sample's predictions and ground truth (for dumps)."""
from __future__ import annotations

from typing import Any, Sequence

from ...registry import METRICS
from ..dump import sample_fields, save_dump
from .base import WildposeMetric


@METRICS.register_module()
class PredictionCollector(WildposeMetric):
    """Collects the fields of :data:`wildpose.evaluation.dump.DUMP_FIELDS`; no metric.

    After evaluation ``self.samples`` holds one dict of numpy arrays / python scalars per
    sample (on the main process) and, when ``out_file`` is given, they are written there
    as an ``.npz`` dump (see :mod:`wildpose.evaluation.dump`).
    """

    produces_numbers = False

    def __init__(self, out_file: str | None = None, collect_device: str = 'cpu',
                 prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.out_file = out_file
        self.samples: list[dict] = []

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        for ds in data_samples:
            self.results.append(sample_fields(ds))

    def compute_metrics(self, results: list) -> dict[str, float]:
        self.samples = list(results)
        if self.out_file:
            save_dump(self.out_file, self.samples)
        return {}
