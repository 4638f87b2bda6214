"""Prediction dumps: every test sample's predictions and ground truth in one ``.npz``.

A dump holds only numpy arrays (no pickled objects; it is read with
``allow_pickle=False``), one array per field of :data:`DUMP_FIELDS`, stacked over the N
samples. Optional fields (ground truth that not every sample has) come with a boolean
``<field>__present`` (N,) array; absent entries are filled with NaN / -1 / False / ''.
``__meta__`` is a 0-d string array holding JSON (the evaluator config, the model and
environment information of the report), so that :mod:`tools/analysis/recompute_report.py`
rebuilds the metrics and the report without the model.
"""
from __future__ import annotations

import json
import os
import os.path as osp
from typing import Any

import numpy as np

from ..utils.arrays import to_numpy

#: field -> kind; the first three are the model's predictions and always present
DUMP_FIELDS: dict[str, str] = {
    'pred_keypoints': 'float',     # (J, 2) image px
    'pred_scores': 'float',        # (J,)
    'pred_keypoints_3d': 'float',  # (J, 3) root-relative, mm
    'keypoints': 'float',          # (J, 2) ground truth, image px
    'keypoints_visible': 'float',  # (J,)
    'keypoints_3d': 'float',       # (J, 3) ground truth, camera frame, mm
    'keypoints_3d_visible': 'float',  # (J,) joints with a 3D label (where a set has it)
    'bbox': 'float',               # (4,) x1 y1 x2 y2, image px
    'bbox_center': 'float',        # (2,) image px
    'bbox_scale': 'float',         # (2,) image px
    'head_size': 'float',          # () image px (MPII PCKh)
    'sample_idx': 'int',
    'img_id': 'int',
    'has_3d': 'bool',
    'img_path': 'str',
    'domain': 'str',
    'action': 'str',
    'scene': 'str',
}
REQUIRED = ('pred_keypoints', 'pred_scores', 'pred_keypoints_3d')
_FILL = {'float': np.nan, 'int': -1, 'bool': False, 'str': ''}
_DTYPE = {'float': np.float64, 'int': np.int64, 'bool': bool, 'str': str}


def _value(value: Any, kind: str) -> Any:
    if kind == 'str':
        return str(value)
    return to_numpy(value, _DTYPE[kind])


def sample_fields(ds: dict) -> dict[str, Any]:
    """The dump fields of one evaluated sample (a data sample's ``to_dict()``)."""
    out = {}
    for key, kind in DUMP_FIELDS.items():
        if ds.get(key) is not None:
            out[key] = _value(ds[key], kind)
        elif key in REQUIRED:
            raise KeyError(f"sample (sample_idx={ds.get('sample_idx')}) has no '{key}': "
                           'only predicted samples can be dumped')
    return out


def samples_to_arrays(samples: list[dict]) -> dict[str, np.ndarray]:
    """Stack per-sample field dicts into (N, ...) arrays plus ``__present`` masks."""
    arrays: dict[str, np.ndarray] = {}
    n = len(samples)
    for key, kind in DUMP_FIELDS.items():
        present = np.array([key in s for s in samples], dtype=bool)
        if not present.any():
            continue
        if kind == 'str':
            arrays[key] = np.array([s.get(key, '') for s in samples], dtype=str)
        else:
            first = np.asarray(samples[int(np.argmax(present))][key])
            stacked = np.full((n, *first.shape), _FILL[kind], dtype=_DTYPE[kind])
            for i, s in enumerate(samples):
                if key in s:
                    value = np.asarray(s[key])
                    if value.shape != first.shape:
                        raise ValueError(f"field '{key}' has shape {value.shape} in sample "
                                         f'{i} but {first.shape} in others')
                    stacked[i] = value
            arrays[key] = stacked
        if not present.all():
            arrays[f'{key}__present'] = present
    return arrays


def arrays_to_samples(arrays: dict[str, np.ndarray]) -> list[dict]:
    """Inverse of :func:`samples_to_arrays`: one dict per sample (absent fields left out)."""
    missing = [k for k in REQUIRED if k not in arrays]
    if missing:
        raise KeyError(f'dump lacks the fields {missing}')
    n = len(arrays['pred_keypoints'])
    samples: list[dict] = [{} for _ in range(n)]
    for key, kind in DUMP_FIELDS.items():
        if key not in arrays:
            continue
        values = arrays[key]
        present = arrays.get(f'{key}__present', np.ones(n, dtype=bool))
        for i in range(n):
            if present[i]:
                v = values[i]
                samples[i][key] = str(v) if kind == 'str' else (
                    v.item() if v.ndim == 0 and kind != 'float' else v)
    return samples


def save_dump(path: str, samples: list[dict], meta: dict | None = None) -> None:
    """Write the samples (dicts of :func:`sample_fields`) and JSON ``meta`` to ``path``."""
    arrays = samples_to_arrays(samples)
    arrays['__meta__'] = np.array(json.dumps(meta or {}, default=_json_default))
    if osp.dirname(path):
        os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:  # np.savez would append '.npz' to other names
        np.savez_compressed(f, **arrays)


def load_dump(path: str) -> tuple[list[dict], dict]:
    """Read a dump written by :func:`save_dump`: (samples, meta)."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'dump file not found: {path}')
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except Exception as err:
        raise ValueError(f'{path}: not a wildpose prediction dump ({err})') from err
    meta = json.loads(str(arrays.pop('__meta__'))) if '__meta__' in arrays else {}
    try:
        samples = arrays_to_samples(arrays)
    except KeyError as err:
        raise KeyError(f'{path}: {err.args[0]}') from err
    return samples, meta


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, tuple):
        return list(obj)
    return str(obj)
