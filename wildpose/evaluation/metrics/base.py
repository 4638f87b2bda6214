"""What every wildpose metric shares: the attributes it declares, so that the tools ask it
instead of matching names, and how it reads sample fields and names its keys.

Metric key naming (the report parses it, see :mod:`wildpose.evaluation.report`):

- ``<metric>``: over all samples (the all-frames average),
- ``<group>/<metric>``: over one value of the metric's ``group_by`` key (e.g. ``lab/mpjpe``),
- ``action/<name>/<metric>``, ``scene/<name>/<metric>``, ``joint/<name>/<metric>``,
- ``<metric>_action_mean``, ``<metric>_scene_mean``: the unweighted mean over actions or
  scenes (each action weighs the same, whatever its number of frames).
"""
from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from mmengine.evaluator import BaseMetric

from ...utils.arrays import to_numpy as _to_numpy


class WildposeMetric(BaseMetric):
    """Base of the registered metrics (not registered itself).

    Class attributes a metric sets:

    * ``units``: result name -> unit (``'mm'``, ``'%'``), for the names the metric
      reports before any group prefix or ``_action_mean`` / ``_scene_mean`` suffix; the
      report labels its columns with them;
    * ``supports_per_joint``: the metric takes ``per_joint=True`` and then reports
      ``joint/<name>/<metric>``; ``tools/test.py`` switches it on for its report;
    * ``produces_numbers``: False for collectors that only gather samples (dumps); an
      offline re-evaluation leaves them out.
    """

    default_prefix = ''
    units: ClassVar[dict[str, str]] = {}
    supports_per_joint: ClassVar[bool] = False
    produces_numbers: ClassVar[bool] = True


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


def group_keys(results: list[dict], group_by: str | None) -> list[str] | None:
    """The ``'group'`` entry of each collected result when the metric groups, else None."""
    return [r['group'] for r in results] if group_by else None
