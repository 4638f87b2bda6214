"""Evaluation: pure metric functions (:mod:`.functional`), registered metrics
(:mod:`.metrics`), prediction dumps (:mod:`.dump`), offline evaluation of a dump
(:mod:`.offline`) and the benchmark report (:mod:`.report`)."""
from . import functional
from .dump import load_dump, save_dump
from .metrics import MPJPEMetric, PCK3DMetric, PCKhMetric, PCKMetric, PredictionCollector
from .offline import evaluate_samples

__all__ = ['functional', 'load_dump', 'save_dump', 'evaluate_samples', 'MPJPEMetric',
           'PCK3DMetric', 'PCKhMetric', 'PCKMetric', 'PredictionCollector']
