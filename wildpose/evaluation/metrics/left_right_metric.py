"""Left/right confusion of the 2D predictions, as an mmengine metric."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ...registry import METRICS
from ...structures.skeleton import FLIP_PAIRS
from ..functional import group_indices, left_right_confusion
from .base import WildposeMetric
from .fields import optional_str, require, to_numpy


@METRICS.register_module()
class LeftRightMetric(WildposeMetric):
    """Share of visible limb joints predicted nearer the other side's ground truth.

    Reads ``pred_keypoints`` (J, 2) and ``keypoints`` (J, 2), image px, and
    ``keypoints_visible`` (J,). A limb joint counts when it and its mirror joint are
    visible; it is confused when its prediction is nearer the mirror joint's ground truth
    than its own (:func:`~wildpose.evaluation.functional.left_right_confusion`). Chance
    level, a model that cannot tell left from right, is about 50 %.

    Results, in percent: ``lr_confusion`` over all counted joints and
    ``<group>/lr_confusion`` per value of ``group_by`` (e.g. ``wild/lr_confusion``).

    Args:
        group_by: metainfo key whose values split the report, or None.
        flip_pairs: (left, right) joint pairs; default the 16-joint skeleton's.
    """

    units = {'lr_confusion': '%'}

    def __init__(self, group_by: str | None = 'domain',
                 flip_pairs: Sequence[Sequence[int]] | None = None,
                 collect_device: str = 'cpu', prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.group_by = group_by
        self.flip_pairs = tuple((int(a), int(b)) for a, b in (flip_pairs or FLIP_PAIRS))

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        name = type(self).__name__
        for ds in data_samples:
            self.results.append(dict(
                pred=to_numpy(require(ds, 'pred_keypoints', name)),
                gt=to_numpy(require(ds, 'keypoints', name)),
                mask=to_numpy(require(ds, 'keypoints_visible', name)) > 0,
                group=optional_str(ds, self.group_by)))

    def _percent(self, results: list) -> float:
        confused, counted = left_right_confusion(
            np.stack([r['pred'] for r in results]), np.stack([r['gt'] for r in results]),
            self.flip_pairs, np.stack([r['mask'] for r in results]))
        total = counted.sum()
        return 100.0 * float(confused.sum() / total) if total else float('nan')

    def compute_metrics(self, results: list) -> dict[str, float]:
        if not results:
            return {}
        metrics = {'lr_confusion': self._percent(results)}
        if self.group_by:
            for group, idx in group_indices([r['group'] for r in results]).items():
                if group:
                    metrics[f'{group}/lr_confusion'] = self._percent(
                        [results[i] for i in idx])
        return metrics
