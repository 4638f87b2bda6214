"""Reading a camera's intrinsics from what a user gives (numbers, a dict, a JSON file)."""
from __future__ import annotations

import json
import os
import os.path as osp
from typing import Any

import numpy as np

from ..geometry.camera_space import Intrinsics


def _from_dict(d: dict, where: str) -> Intrinsics:
    try:
        if 'K' in d:  # a 3x3 camera matrix
            K = np.asarray(d['K'], dtype=np.float64)
            if K.shape != (3, 3):
                raise ValueError(f"{where}: field 'K' must be 3x3, got shape {K.shape}")
            return Intrinsics(K[0, 0], K[1, 1], K[0, 2], K[1, 2])
        if 'f' in d and 'c' in d:  # Human3.6M / synthetic benchmark style
            f = np.asarray(d['f'], dtype=np.float64).reshape(-1)
            c = np.asarray(d['c'], dtype=np.float64).reshape(-1)
            if f.size != 2 or c.size != 2:
                raise ValueError(f"{where}: fields 'f' and 'c' must hold 2 numbers each")
            return Intrinsics(f[0], f[1], c[0], c[1])
        missing = [k for k in ('fx', 'fy', 'cx', 'cy') if k not in d]
        if missing:
            raise ValueError(f"{where}: give 'fx', 'fy', 'cx', 'cy' (px), or 'K' (3x3), or "
                             f"'f' and 'c'; missing {missing}")
        return Intrinsics(float(d['fx']), float(d['fy']), float(d['cx']), float(d['cy']))
    except (TypeError, ValueError) as err:
        if str(err).startswith(where):
            raise
        raise ValueError(f'{where}: {err}') from err


def load_intrinsics(camera: Any) -> Intrinsics | None:
    """Intrinsics from ``camera``: None (unknown: a default field of view is used per
    image), an :class:`Intrinsics`, four numbers ``(fx, fy, cx, cy)`` px, a dict (keys
    ``fx fy cx cy``, or ``K`` a 3x3 matrix, or ``f`` and ``c``), or the path of a JSON file
    holding such a dict."""
    if camera is None or isinstance(camera, Intrinsics):
        return camera
    if isinstance(camera, (str, os.PathLike)):
        path = os.fspath(camera)
        if not osp.isfile(path):
            raise FileNotFoundError(f'camera file not found: {path}')
        try:
            with open(path, encoding='utf-8') as f:
                data = json.load(f)
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise ValueError(f'camera file {path} is not valid JSON: {err}') from err
        if not isinstance(data, dict):
            raise ValueError(f'camera file {path}: expected a JSON object')
        return _from_dict(data, f'camera file {path}')
    if isinstance(camera, dict):
        return _from_dict(camera, 'camera')
    values = np.asarray(camera, dtype=np.float64).reshape(-1)
    if values.size != 4:
        raise ValueError(f'camera must be fx fy cx cy (4 numbers, px), got {values.tolist()}')
    return Intrinsics(*values.tolist())
