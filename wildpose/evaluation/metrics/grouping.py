"""Helpers shared by the metrics: grouping samples by a name, reading sample fields.

Metric key naming (the report parses it, see :mod:`wildpose.evaluation.report`):

- ``<metric>``: over all samples (the all-frames average),
- ``<group>/<metric>``: over one value of the metric's ``group_by`` key (e.g. ``lab/mpjpe``),
- ``action/<name>/<metric>``, ``scene/<name>/<metric>``, ``joint/<name>/<metric>``,
- ``<metric>_action_mean``, ``<metric>_scene_mean``: the unweighted mean over actions or
  scenes (each action weighs the same, whatever its number of frames).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable

import numpy as np


def group_indices(keys: list[str]) -> dict[str, np.ndarray]:
    """Indices of each distinct key, in first-seen order: ['a', 'b', 'a'] ->
    {'a': [0, 2], 'b': [1]}."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        groups[key].append(i)
    return {k: np.asarray(v) for k, v in groups.items()}


def grouped_means(values: dict[str, np.ndarray], keys: list[str] | None,
                  prefix: Callable[[str], str] = lambda g: f'{g}/') -> dict[str, float]:
    """Mean of each value array overall and, when ``keys`` are given, per group.

    ``values`` maps a metric name to a (N,) array (NaN entries are ignored). Samples
    whose key is '' (no group) count only in the overall mean.
    """
    out = {name: _nanmean(v) for name, v in values.items()}
    if keys is not None:
        for group, idx in group_indices(keys).items():
            if group == '':
                continue
            for name, v in values.items():
                out[f'{prefix(group)}{name}'] = _nanmean(v[idx])
    return out


def _nanmean(v: np.ndarray) -> float:
    v = np.asarray(v, dtype=np.float64)
    v = v[~np.isnan(v)]
    return float(v.mean()) if v.size else float('nan')


def to_numpy(value: Any, dtype: Any = np.float64) -> np.ndarray:
    """A tensor or array-like as a numpy array of ``dtype``."""
    if hasattr(value, 'detach'):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=dtype)


def require(ds: dict, key: str, metric: str) -> Any:
    """``ds[key]``, or a ``KeyError`` that names the metric and the missing field."""
    if key not in ds or ds[key] is None:
        raise KeyError(f"{metric}: the sample (sample_idx={ds.get('sample_idx')}) has no "
                       f"'{key}' field; the test pipeline's PackPoseInputs must put it in "
                       'the metainfo, and the model must predict it')
    return ds[key]


def optional_str(ds: dict, key: str | None, default: str = '') -> str:
    """A string metainfo value (``default`` when the key is unset, None or empty)."""
    if not key:
        return default
    value = ds.get(key)
    return str(value) if value not in (None, '') else default
