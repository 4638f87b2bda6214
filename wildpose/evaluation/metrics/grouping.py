"""Split evaluation results into named groups (domain, action, ...)."""
from __future__ import annotations

from collections import defaultdict
from typing import Callable

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

    ``values`` maps a metric name to a (N,) array (NaN entries are ignored).
    """
    out = {name: float(np.nanmean(v)) for name, v in values.items()}
    if keys is not None:
        for group, idx in group_indices(keys).items():
            for name, v in values.items():
                out[f'{prefix(group)}{name}'] = float(np.nanmean(v[idx]))
    return out
