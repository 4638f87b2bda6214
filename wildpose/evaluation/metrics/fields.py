"""Reading sample fields in the metrics, and how metric keys are named.

Metric key naming (the report parses it, see :mod:`wildpose.evaluation.report`):

- ``<metric>``: over all samples (the all-frames average),
- ``<group>/<metric>``: over one value of the metric's ``group_by`` key (e.g. ``lab/mpjpe``),
- ``action/<name>/<metric>``, ``scene/<name>/<metric>``, ``joint/<name>/<metric>``,
- ``<metric>_action_mean``, ``<metric>_scene_mean``: the unweighted mean over actions or
  scenes (each action weighs the same, whatever its number of frames).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ...utils.arrays import to_numpy as _to_numpy


def to_numpy(value: Any, dtype: Any = np.float64) -> np.ndarray:
    """A sample field as float64 numpy (the metrics compute in float64)."""
    return _to_numpy(value, dtype)


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
