"""Boxes x1 y1 x2 y2 in image px (pure numpy): overlap, suppression, clipping."""
from __future__ import annotations

import numpy as np


def as_boxes(boxes: np.ndarray | list) -> np.ndarray:
    """(N, 4) float64 view of ``boxes`` (an empty input gives (0, 4))."""
    arr = np.asarray(boxes, dtype=np.float64)
    if arr.size == 0:
        return arr.reshape(0, 4)
    if arr.ndim != 2 or arr.shape[1] != 4:
        raise ValueError(f'boxes must be (N, 4) x1 y1 x2 y2, got shape {arr.shape}')
    return arr


def xywh_to_xyxy(boxes: np.ndarray | list) -> np.ndarray:
    """(N, 4) x y w h (COCO's ``bbox``) -> (N, 4) x1 y1 x2 y2."""
    b = as_boxes(boxes).copy()
    b[:, 2:] += b[:, :2]
    return b


def box_area(boxes: np.ndarray) -> np.ndarray:
    """(N, 4) -> (N,) areas, px^2 (0 for empty boxes)."""
    b = as_boxes(boxes)
    return np.clip(b[:, 2] - b[:, 0], 0, None) * np.clip(b[:, 3] - b[:, 1], 0, None)


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Intersection over union of every pair: (N, 4), (M, 4) -> (N, M) in [0, 1]."""
    a, b = as_boxes(a), as_boxes(b)
    lo = np.maximum(a[:, None, :2], b[None, :, :2])
    hi = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(hi - lo, 0, None), axis=-1)
    union = box_area(a)[:, None] + box_area(b)[None, :] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)


def nms(boxes: np.ndarray, scores: np.ndarray, iou_thr: float) -> np.ndarray:
    """Greedy non-maximum suppression: indices of the kept boxes, best score first.

    A box is dropped when its IoU with a kept, higher-scoring box exceeds ``iou_thr``.
    """
    b = as_boxes(boxes)
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    if len(s) != len(b):
        raise ValueError(f'nms: {len(b)} boxes but {len(s)} scores')
    order = np.argsort(-s, kind='stable')
    keep: list[int] = []
    while order.size:
        i = int(order[0])
        keep.append(i)
        rest = order[1:]
        order = rest[box_iou(b[i:i + 1], b[rest])[0] <= iou_thr]
    return np.asarray(keep, dtype=np.int64)


def clip_boxes(boxes: np.ndarray, width: int, height: int) -> np.ndarray:
    """Clip (N, 4) boxes to the image ``[0, width] x [0, height]`` (px edges)."""
    b = as_boxes(boxes).copy()
    b[:, [0, 2]] = np.clip(b[:, [0, 2]], 0, width)
    b[:, [1, 3]] = np.clip(b[:, [1, 3]], 0, height)
    return b


def scale_boxes(boxes: np.ndarray, factor_w: float, factor_h: float) -> np.ndarray:
    """Scale (N, 4) boxes about their centres."""
    b = as_boxes(boxes)
    centre = (b[:, :2] + b[:, 2:]) / 2
    half = (b[:, 2:] - b[:, :2]) / 2 * np.array([factor_w, factor_h])
    return np.concatenate([centre - half, centre + half], axis=1)
