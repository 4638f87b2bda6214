"""Pose-estimation metrics as pure numpy functions.

All 3D inputs are (N, J, 3) arrays in mm; 2D inputs are (N, J, 2) arrays in image px.
Masks are (N, J) booleans (True = the joint counts).
"""
from __future__ import annotations

import numpy as np


def _mask(pred: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    if mask is None:
        return np.ones(pred.shape[:2], dtype=bool)
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != pred.shape[:2]:
        raise ValueError(f'mask shape {mask.shape} does not match (N, J) = {pred.shape[:2]}')
    return mask


def root_align(pose: np.ndarray, root: int) -> np.ndarray:
    """Translate each pose so that joint ``root`` is at the origin. (N, J, 3) -> (N, J, 3)."""
    return pose - pose[:, root:root + 1]


def procrustes_align(pred: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """Align ``pred`` to ``gt`` with the best similarity transform (scale, rotation, shift).

    The rotation is a proper rotation (determinant +1): a reflection is never used, even
    when it would fit better.

    Args:
        pred: (N, J, 3) predicted poses.
        gt: (N, J, 3) ground-truth poses.

    Returns:
        (N, J, 3) aligned predictions.
    """
    mu_p = pred.mean(axis=1, keepdims=True)
    mu_g = gt.mean(axis=1, keepdims=True)
    p = pred - mu_p
    g = gt - mu_g
    cov = np.einsum('nji,njk->nik', p, g)  # (N, 3, 3) = P^T G
    u, s, vt = np.linalg.svd(cov)
    d = np.sign(np.linalg.det(np.einsum('nij,njk->nik', u, vt)))
    fix = np.ones_like(s)
    fix[:, -1] = d
    rot = np.einsum('nij,nj,njk->nik', u, fix, vt)  # maps p onto g: p @ rot
    var_p = (p ** 2).sum(axis=(1, 2))
    scale = (s * fix).sum(axis=1) / np.maximum(var_p, 1e-12)
    return scale[:, None, None] * np.einsum('nji,nik->njk', p, rot) + mu_g


def mpjpe(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Per-sample mean per-joint position error (same units as the inputs).

    Inputs are compared as given: align them first (Protocol 1: :func:`root_align`).

    Returns:
        (N,) mean over the masked joints of each sample (NaN for a sample with none).
    """
    mask = _mask(pred, mask)
    err = np.linalg.norm(pred - gt, axis=-1)
    count = mask.sum(axis=1)
    with np.errstate(invalid='ignore', divide='ignore'):
        return np.where(count > 0, (err * mask).sum(axis=1) / count, np.nan)


def pa_mpjpe(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Protocol 2: MPJPE after similarity Procrustes alignment, per sample (N,)."""
    mask = _mask(pred, mask)
    aligned = np.empty_like(pred, dtype=np.float64)
    for n in range(pred.shape[0]):  # alignment uses only the joints that count
        m = mask[n]
        if not m.any():
            aligned[n] = pred[n]
            continue
        aligned[n][m] = procrustes_align(pred[n:n + 1, m].astype(np.float64),
                                         gt[n:n + 1, m].astype(np.float64))[0]
        aligned[n][~m] = pred[n][~m]
    return mpjpe(aligned, gt, mask)


def pck(pred: np.ndarray, gt: np.ndarray, norm: np.ndarray, threshold: float,
        mask: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Percentage of correct keypoints: distance / norm <= threshold.

    Args:
        pred, gt: (N, J, D) keypoints (D = 2 for image px, 3 for mm).
        norm: (N,) per-sample normaliser (head size for PCKh, box size for PCK; 1 for an
            absolute threshold such as 3DPCK at 150 mm).
        threshold: the threshold in units of ``norm``.

    Returns:
        Per-joint accuracy (J,) (NaN where a joint never counts) and the mean over all
        counted joints of all samples, both in [0, 1].
    """
    mask = _mask(pred, mask)
    norm = np.asarray(norm, dtype=np.float64).reshape(-1, 1)
    dist = np.linalg.norm(pred - gt, axis=-1) / np.maximum(norm, 1e-12)
    hit = (dist <= threshold) & mask
    counted = mask.sum(axis=0)
    with np.errstate(invalid='ignore', divide='ignore'):
        per_joint = np.where(counted > 0, hit.sum(axis=0) / counted, np.nan)
    total = mask.sum()
    return per_joint, float(hit.sum() / total) if total else float('nan')


def pck_auc(pred: np.ndarray, gt: np.ndarray, thresholds: np.ndarray,
            mask: np.ndarray | None = None) -> float:
    """Area under the PCK curve over absolute ``thresholds`` (e.g. 0..150 mm, 5 mm steps),
    as the mean PCK over the thresholds, in [0, 1]."""
    ones = np.ones(pred.shape[0])
    return float(np.mean([pck(pred, gt, ones, float(t), mask)[1] for t in thresholds]))
