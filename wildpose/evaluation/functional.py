"""Pose-estimation metrics as pure numpy functions.

All 3D inputs are (N, J, 3) arrays in mm; 2D inputs are (N, J, 2) arrays in image px.
Masks are (N, J) booleans (True = the joint counts). Accuracies (PCK, PCKh, 3DPCK, AUC)
are returned as fractions in [0, 1]; the registered metrics report them in percent.

Two ways of averaging over a split with groups (Human3.6M actions, MPI-INF-3DHP scenes)
appear in the literature: over frames (every sample weighs the same; :func:`grouped_means`
gives it with the per-group means) and over groups (the unweighted mean of the per-group
means: every action weighs the same, Human3.6M's usual "Avg" column).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Callable, Sequence

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


def procrustes_align(pred: np.ndarray, gt: np.ndarray,
                     mask: np.ndarray | None = None) -> np.ndarray:
    """Align each prediction to its ground truth by the best similarity transform (scale,
    rotation, shift), fitted on the joints of ``mask`` (all joints when None).

    The rotation is proper (determinant +1): a reflection is never used, even when it
    would fit better. Joints outside the mask are moved by the same transform; a sample
    with fewer than 2 masked joints is returned unchanged.

    Args:
        pred, gt: (N, J, 3) poses.
        mask: (N, J) joints to fit on.

    Returns:
        (N, J, 3) aligned predictions (float64).
    """
    mask = _mask(pred, mask)
    pred = np.asarray(pred, dtype=np.float64)
    gt = np.asarray(gt, dtype=np.float64)
    aligned = pred.copy()
    for n in range(pred.shape[0]):
        m = mask[n]
        if m.sum() < 2:  # nothing to fit a similarity to
            continue
        p, g = pred[n, m], gt[n, m]
        mu_p, mu_g = p.mean(0), g.mean(0)
        u, s, vt = np.linalg.svd((p - mu_p).T @ (g - mu_g))
        fix = np.ones(3)
        fix[-1] = np.sign(np.linalg.det(u @ vt)) or 1.0
        rot = u @ np.diag(fix) @ vt
        scale = (s * fix).sum() / max(((p - mu_p) ** 2).sum(), 1e-12)
        aligned[n] = scale * (pred[n] - mu_p) @ rot + mu_g
    return aligned


def joint_errors(pred: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """Euclidean distance per joint: (N, J, D) -> (N, J), in the inputs' units."""
    return np.linalg.norm(np.asarray(pred, np.float64) - np.asarray(gt, np.float64), axis=-1)


def pa_mpjpe(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Protocol 2: MPJPE after similarity Procrustes alignment (fitted on the joints that
    count), per sample (N,)."""
    return mpjpe(procrustes_align(pred, gt, mask), gt, mask)


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


def left_right_confusion(pred: np.ndarray, gt: np.ndarray,
                         flip_pairs: Sequence[tuple[int, int]],
                         mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Which predicted limb joints lie nearer the other side's ground truth than their own.

    For every pair (a, b) of ``flip_pairs`` and each of its two joints j (mirror m), the
    joint counts when both j and m are visible; it is *confused* when
    ``|pred_j - gt_m| < |pred_j - gt_j|``. A model that cannot tell left from right is
    confused on about half of the counted joints; a correct one on none.

    Args:
        pred, gt: (N, J, D) keypoints (image px for 2D, mm for 3D).
        flip_pairs: (left, right) joint index pairs.
        mask: (N, J) visibility; None counts every joint.

    Returns:
        ``confused`` and ``counted``, both (N, 2 * len(flip_pairs)) bool, in the order
        a0, b0, a1, b1, ...
    """
    pred = np.asarray(pred, np.float64)
    gt = np.asarray(gt, np.float64)
    mask = _mask(pred, mask)
    own = np.array([j for a, b in flip_pairs for j in (a, b)], dtype=np.int64)
    mirror = np.array([m for a, b in flip_pairs for m in (b, a)], dtype=np.int64)
    d_own = np.linalg.norm(pred[:, own] - gt[:, own], axis=-1)
    d_mirror = np.linalg.norm(pred[:, own] - gt[:, mirror], axis=-1)
    counted = mask[:, own] & mask[:, mirror]
    return (d_mirror < d_own) & counted, counted


def bone_depth_order_errors(pred: np.ndarray, gt: np.ndarray,
                            bones: Sequence[tuple[int, int]], min_depth_gap: float = 100.0,
                            mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Which bones point the wrong way in depth (towards the camera instead of away, or
    the reverse).

    A bone (a, b) counts when both joints are valid and its ground-truth depth
    difference ``|Z_b - Z_a|`` is at least ``min_depth_gap`` (a bone nearly parallel to
    the image plane has no clear order); it is wrong when the predicted difference
    ``Z_b - Z_a`` has the other sign (or is 0). A bone flipped in depth keeps its length,
    so a bone-length constraint cannot see these errors.

    Args:
        pred, gt: (N, J, 3) 3D poses, mm, z along the optical axis (any common origin:
            only differences are used).
        bones: (a, b) joint index pairs.
        min_depth_gap: smallest ground-truth depth difference that counts, mm.
        mask: (N, J) valid joints; None counts every joint.

    Returns:
        ``wrong`` and ``counted``, both (N, len(bones)) bool.
    """
    pred = np.asarray(pred, np.float64)
    gt = np.asarray(gt, np.float64)
    mask = _mask(pred, mask)
    a = np.array([i for i, _ in bones], dtype=np.int64)
    b = np.array([j for _, j in bones], dtype=np.int64)
    dz_gt = gt[:, b, 2] - gt[:, a, 2]
    dz_pred = pred[:, b, 2] - pred[:, a, 2]
    counted = mask[:, a] & mask[:, b] & (np.abs(dz_gt) >= min_depth_gap)
    return (dz_gt * dz_pred <= 0) & counted, counted


def pck_auc(pred: np.ndarray, gt: np.ndarray, thresholds: np.ndarray,
            mask: np.ndarray | None = None) -> float:
    """Area under the PCK curve over absolute ``thresholds`` (e.g. 0..150 mm, 5 mm steps),
    as the mean PCK over the thresholds, in [0, 1]."""
    ones = np.ones(pred.shape[0])
    return float(np.mean([pck(pred, gt, ones, float(t), mask)[1] for t in thresholds]))


# --------------------------------------------------------------------- MPII / MPI-INF-3DHP
def pckh(pred: np.ndarray, gt: np.ndarray, head_size: np.ndarray, threshold: float = 0.5,
         mask: np.ndarray | None = None, joints: Sequence[int] | None = None
         ) -> tuple[np.ndarray, float]:
    """MPII PCKh: a joint is correct when its error is <= ``threshold`` x head size.

    Args:
        pred, gt: (N, J, 2) keypoints in image px.
        head_size: (N,) head size in image px (MPII: 0.6 x the head box diagonal).
        threshold: fraction of the head size (0.5 for PCKh@0.5).
        mask: (N, J) joints that count (visible in the ground truth).
        joints: joints that enter the mean (MPII's convention leaves out pelvis and
            thorax); all joints when None. The per-joint values cover every joint.

    Returns:
        Per-joint accuracy (J,) in [0, 1] (NaN for a joint never counted) and the mean
        over the counted (sample, joint) pairs of ``joints``.
    """
    head_size = np.asarray(head_size, dtype=np.float64).reshape(-1)
    if head_size.shape[0] != pred.shape[0]:
        raise ValueError(f'head_size has {head_size.shape[0]} values for {pred.shape[0]} '
                         'samples')
    if np.any(~np.isfinite(head_size)) or np.any(head_size <= 0):
        raise ValueError('head_size must be finite and > 0 for every sample')
    mask = _mask(pred, mask)
    per_joint, mean = pck(pred, gt, head_size, threshold, mask)
    if joints is not None:
        subset = np.zeros_like(mask)
        subset[:, list(joints)] = True
        mean = pck(pred, gt, head_size, threshold, mask & subset)[1]
    return per_joint, mean


#: MPI-INF-3DHP's thresholds for the AUC: 0, 5, ..., 150 mm (31 values).
AUC_THRESHOLDS_MM = np.arange(0.0, 151.0, 5.0)


def pck_3d(pred: np.ndarray, gt: np.ndarray, threshold: float = 150.0,
           mask: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """3DPCK: fraction of joints whose 3D error is <= ``threshold`` mm.

    Args:
        pred, gt: (N, J, 3) root-aligned joints in mm.
        threshold: distance in mm (150 for MPI-INF-3DHP).
        mask: (N, J) joints that count.

    Returns:
        Per-joint accuracy (J,) and the mean over counted (sample, joint) pairs, in [0, 1].
    """
    return pck(pred, gt, np.ones(pred.shape[0]), float(threshold), mask)


def auc_3d(pred: np.ndarray, gt: np.ndarray, thresholds: np.ndarray = AUC_THRESHOLDS_MM,
           mask: np.ndarray | None = None) -> float:
    """Area under the 3DPCK curve over ``thresholds`` in mm (mean 3DPCK), in [0, 1]."""
    return pck_auc(pred, gt, np.asarray(thresholds, dtype=np.float64), mask)


# --------------------------------------------------------------------- averaging
def group_indices(keys: Sequence[str]) -> dict[str, np.ndarray]:
    """Indices of each distinct key, in first-seen order: ['a', 'b', 'a'] ->
    {'a': [0, 2], 'b': [1]}."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        groups[str(key)].append(i)
    return {k: np.asarray(v) for k, v in groups.items()}


def nan_mean(values: np.ndarray) -> float:
    """Mean of the non-NaN entries (NaN when there are none)."""
    v = np.asarray(values, dtype=np.float64)
    v = v[~np.isnan(v)]
    return float(v.mean()) if v.size else float('nan')


def scores_per_group(score: Callable[[np.ndarray], dict[str, float]], num: int,
                     keys: Sequence[str] | None,
                     prefix: Callable[[str], str] = lambda g: f'{g}/') -> dict[str, float]:
    """The one "over all samples, then per group" loop of the metrics.

    Args:
        score: sample indices (n,) -> ``{name: value}`` over those samples.
        num: the number of samples N.
        keys: N group names, or None; samples whose key is '' count only overall.
        prefix: the result key's prefix for a group (default ``'<group>/'``).

    Returns:
        ``score(all)`` and, per group in first-seen order, ``score(group's indices)``
        with each name prefixed.
    """
    out = dict(score(np.arange(num)))
    if keys is not None:
        if len(keys) != num:
            raise ValueError(f'{len(keys)} group names for {num} values')
        for group, idx in group_indices(keys).items():
            if group != '':
                out.update({f'{prefix(group)}{name}': value
                            for name, value in score(idx).items()})
    return out


def percent_of(hits: np.ndarray, counted: np.ndarray) -> float:
    """Pooled share of ``hits`` among the ``counted`` entries, in percent (NaN if none
    counts); both boolean arrays of one shape, ``hits`` only where ``counted``."""
    total = int(np.count_nonzero(counted))
    return 100.0 * (np.count_nonzero(hits & counted) / total) if total else float('nan')


def grouped_means(values: dict[str, np.ndarray], keys: Sequence[str] | None,
                  prefix: Callable[[str], str] = lambda g: f'{g}/') -> dict[str, float]:
    """The mean over all samples (over frames) of each value array and, when ``keys``
    are given, its mean per group (:func:`scores_per_group`).

    Args:
        values: metric name -> (N,) per-sample values (NaN entries are ignored).
        keys: N group names, or None; samples whose key is '' count only overall.
        prefix: the result key's prefix for a group (default ``'<group>/'``).

    Returns:
        ``{name: mean}`` and ``{prefix(group) + name: group mean}``.
    """
    arrays = {name: np.asarray(v, dtype=np.float64) for name, v in values.items()}
    num = len(next(iter(arrays.values()), []))
    return scores_per_group(lambda idx: {name: nan_mean(v[idx]) for name, v in arrays.items()},
                            num, keys, prefix)
