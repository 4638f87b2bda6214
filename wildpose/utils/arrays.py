"""The one tensor-to-numpy conversion (metrics, dumps, pictures and the API use it)."""
from __future__ import annotations

from typing import Any

import numpy as np


def to_numpy(value: Any, dtype: Any = None) -> np.ndarray:
    """A tensor (any device, any grad state) or array-like as a numpy array, optionally
    cast to ``dtype``."""
    if hasattr(value, 'detach'):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=dtype)
