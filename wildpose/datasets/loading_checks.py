"""Checks shared by the dataset readers: files, keys, shapes, units, images.

Every failure names the file and the field. Pure functions; no registered classes.
"""
from __future__ import annotations

import os.path as osp
import pickle
from typing import Any, Sequence

import numpy as np
from mmengine.logging import MMLogger

#: what a reader may do with a sample whose image file is missing
MISSING_IMAGE_POLICIES = ('fail', 'skip', 'unchecked')


class AnnotationError(ValueError):
    """A malformed annotation file; the message names the file and the field."""


def require_file(path: str, what: str = 'annotation file') -> str:
    """Return ``path`` if it is a file, else raise ``FileNotFoundError`` naming it; a file
    with a conversion record must still match it (:mod:`.provenance`)."""
    if not path or not osp.isfile(path):
        raise FileNotFoundError(f'{what} not found: {path} (see docs/datasets.md for where '
                                'to get it and the folder layout wildpose expects)')
    from .provenance import verify_provenance  # a converted file must be as written
    verify_provenance(path)
    return path


def check_shape(arr: Any, shape: Sequence[int | None], path: str, field: str,
                dtype: Any = np.float32) -> np.ndarray:
    """``arr`` as an array of ``shape`` (None: any size) and ``dtype``, finite if float.

    Raises:
        AnnotationError: naming ``path`` and ``field`` on a wrong shape, or NaN/inf.
    """
    try:
        out = np.asarray(arr, dtype=dtype)
    except (TypeError, ValueError) as err:
        raise AnnotationError(f"{path}: field '{field}' cannot be read as {np.dtype(dtype)}: "
                              f'{err}') from err
    ok = out.ndim == len(shape) and all(s is None or s == n for s, n in zip(shape, out.shape))
    if not ok:
        want = '(' + ', '.join('N' if s is None else str(s) for s in shape) + ')'
        raise AnnotationError(f"{path}: field '{field}' has shape {out.shape}, expected {want}")
    if np.issubdtype(out.dtype, np.floating) and not np.all(np.isfinite(out)):
        raise AnnotationError(f"{path}: field '{field}' holds NaN or inf")
    return out


#: the only globals a camera pickle (MMPose's cameras.pkl: dicts of numpy arrays) may name
_PICKLE_GLOBALS = {
    ('numpy', 'ndarray'), ('numpy', 'dtype'), ('numpy.core.multiarray', '_reconstruct'),
    ('numpy._core.multiarray', '_reconstruct'), ('numpy.core.multiarray', 'scalar'),
    ('numpy._core.multiarray', 'scalar'), ('collections', 'OrderedDict')}


class _DataUnpickler(pickle.Unpickler):
    """Unpickles plain data and numpy arrays; refuses every other global, so nothing in
    the file is run."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _PICKLE_GLOBALS or (
                module.startswith(('numpy.dtypes', 'numpy')) and name.endswith('DType')):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f'global {module}.{name} is not allowed')


def load_data_pickle(path: str) -> Any:
    """Read a pickle of plain data (dicts, lists, numbers, strings, numpy arrays) without
    running anything from it; any other object is refused naming the file."""
    try:
        with open(path, 'rb') as f:
            return _DataUnpickler(f).load()
    except Exception as err:
        raise AnnotationError(f'{path}: cannot be read as a pickle of plain data and '
                              f'arrays ({err}); nothing in it was run') from None


def load_npz(path: str, required: Sequence[str]) -> dict[str, np.ndarray]:
    """Load an ``.npz`` file and check that it holds the ``required`` keys."""
    require_file(path)
    try:
        with np.load(path, allow_pickle=False) as npz:
            data = {k: npz[k] for k in npz.files}
    except Exception as err:  # not a zip, truncated, object arrays, ...
        raise AnnotationError(f'{path}: cannot be read as an .npz archive: {err}') from err
    missing = [k for k in required if k not in data]
    if missing:
        raise AnnotationError(f"{path}: missing field(s) {missing}; the file holds "
                              f'{sorted(data)}')
    return data


def check_same_length(arrays: dict[str, np.ndarray], path: str) -> int:
    """All arrays have the same first dimension; return it."""
    lengths = {k: len(v) for k, v in arrays.items()}
    if len(set(lengths.values())) != 1:
        raise AnnotationError(f'{path}: fields have different numbers of samples: {lengths}')
    return next(iter(lengths.values()))


def check_metres(joints: np.ndarray, visible: np.ndarray, path: str, field: str,
                 low: float = 0.3, high: float = 30.0) -> None:
    """Sanity check that camera-frame 3D joints are in metres.

    The median depth Z of the labelled joints of people 0.3 m to 30 m in front of the
    camera lies in ``[low, high]``; millimetres give values 1000 times larger.
    """
    z = joints[..., 2][visible > 0]
    if z.size == 0:
        return
    med = float(np.median(z))
    if not low <= med <= high:
        hint = (' (looks like millimetres: the field must hold metres)' if med > 100
                else '')
        raise AnnotationError(f"{path}: field '{field}' median depth {med:.4g} is outside "
                              f'[{low}, {high}] m for camera-frame joints in metres{hint}')


def check_millimetres(joints: np.ndarray, visible: np.ndarray, path: str, field: str
                      ) -> None:
    """Sanity check that 3D joints are in mm: a person spans more than 50 units."""
    extent = []
    for j, v in zip(joints, visible):
        pts = j[v > 0]
        if len(pts) >= 2:
            extent.append(float(np.max(pts.max(0) - pts.min(0))))
    if extent and np.median(extent) < 50.0:
        raise AnnotationError(f"{path}: field '{field}' spans a median {np.median(extent):.3g} "
                              'units per person: it looks like metres, expected mm')


def bbox_from_center_scale(center: np.ndarray, scale: np.ndarray,
                           pixel_std: float = 200.0) -> np.ndarray:
    """Square person boxes from the top-down repos' (center, scale) convention.

    Args:
        center: (N, 2) box centres, image px.
        scale: (N,) box side in units of ``pixel_std`` px.

    Returns:
        (N, 4) float32 boxes x1 y1 x2 y2, image px.
    """
    half = 0.5 * pixel_std * np.asarray(scale, np.float64)[:, None]
    center = np.asarray(center, np.float64)
    return np.concatenate([center - half, center + half], axis=1).astype(np.float32)


def drop_missing_images(data_list: list[dict], policy: str, source: str) -> list[dict]:
    """Apply the missing-image policy to ``data_list`` (each item has ``img_path``).

    ``'fail'``: raise ``FileNotFoundError`` naming the first missing image and how many
    are missing; ``'skip'``: drop those samples and log how many; ``'unchecked'``: do
    not look (``LoadImage`` then fails on the first unreadable image).
    """
    if policy not in MISSING_IMAGE_POLICIES:
        raise ValueError(f'missing_image must be one of {MISSING_IMAGE_POLICIES}, '
                         f'got {policy!r}')
    if policy == 'unchecked':
        return data_list
    exists: dict[str, bool] = {}
    kept, missing = [], []
    for item in data_list:
        p = item['img_path']
        if p not in exists:
            exists[p] = osp.isfile(p)
        (kept if exists[p] else missing).append(item)
    if missing and policy == 'fail':
        raise FileNotFoundError(
            f"{source}: {len(missing)} of {len(data_list)} samples have no image file, e.g. "
            f"sample_idx={missing[0]['sample_idx']}: {missing[0]['img_path']} (check "
            "data_root / data_prefix, or set missing_image='skip' to leave them out)")
    if missing:
        MMLogger.get_current_instance().warning(
            f'{source}: skipped {len(missing)} of {len(data_list)} samples whose image is '
            f"missing, e.g. {missing[0]['img_path']}")
    return kept
