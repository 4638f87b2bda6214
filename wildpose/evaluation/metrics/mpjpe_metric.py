"""MPJPE (Protocol 1) and PA-MPJPE (Protocol 2) in mm, as an mmengine metric."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from ...registry import METRICS
from ...structures.skeleton import ROOT
from ..functional import mpjpe, pa_mpjpe, root_align
from .grouping import group_indices, grouped_means


@METRICS.register_module()
class MPJPEMetric(BaseMetric):
    """Mean per-joint position error of root-relative 3D predictions, in mm.

    Reads ``pred_keypoints_3d`` (J, 3) mm and the ground truth ``keypoints_3d`` (J, 3) mm
    from each sample's metainfo; samples without 3D ground truth are skipped (and
    counted in the log). Results: ``mpjpe`` and ``pa_mpjpe`` over all samples (frame
    average), and per value of ``group_by`` (e.g. ``lab/mpjpe``, ``wild/mpjpe``).

    Args:
        group_by: metainfo key whose values split the report (``'domain'``), or None.
        per_action: also report per ``action`` and the mean over actions
            (``mpjpe_action_mean``: the literature's Human3.6M average).
        root: joint aligned before Protocol 1.
    """

    default_prefix = ''

    def __init__(self, group_by: str | None = 'domain', per_action: bool = False,
                 root: int = ROOT, collect_device: str = 'cpu',
                 prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.group_by = group_by
        self.per_action = per_action
        self.root = root

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        for ds in data_samples:
            gt = ds.get('keypoints_3d')
            if gt is None:
                self.results.append(None)
                continue
            self.results.append(dict(
                pred=np.asarray(ds['pred_keypoints_3d'], dtype=np.float64),
                gt=np.asarray(gt, dtype=np.float64),
                group=str(ds.get(self.group_by, '')) if self.group_by else '',
                action=str(ds.get('action', '') or 'unknown')))

    def compute_metrics(self, results: list) -> dict[str, float]:
        logger = MMLogger.get_current_instance()
        kept = [r for r in results if r is not None]
        if len(kept) < len(results):
            logger.info(f'MPJPEMetric: {len(results) - len(kept)} samples have no 3D ground '
                        'truth and are not counted')
        if not kept:
            logger.warning('MPJPEMetric: no sample with 3D ground truth')
            return {}
        pred = root_align(np.stack([r['pred'] for r in kept]), self.root)
        gt = root_align(np.stack([r['gt'] for r in kept]), self.root)
        values = {'mpjpe': mpjpe(pred, gt), 'pa_mpjpe': pa_mpjpe(pred, gt)}
        keys = [r['group'] for r in kept] if self.group_by else None
        metrics = grouped_means(values, keys)
        if self.per_action:
            actions = [r['action'] for r in kept]
            per_action = grouped_means(values, actions, prefix=lambda a: f'action/{a}/')
            metrics.update({k: v for k, v in per_action.items() if k.startswith('action/')})
            for name in values:
                groups = group_indices(actions)
                metrics[f'{name}_action_mean'] = float(np.mean(
                    [np.nanmean(values[name][idx]) for idx in groups.values()]))
        return metrics
