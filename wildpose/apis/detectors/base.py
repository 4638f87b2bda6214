"""What every person detector gives: boxes and scores, cleaned the same way."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...geometry.boxes import as_boxes, clip_boxes
from ..sources import Frame


@dataclass
class Detections:
    """People found in one frame, best first.

    Attributes:
        boxes: (N, 4) float32 x1 y1 x2 y2, image px.
        scores: (N,) float32, in the detector's own unit (see each detector).
    """
    boxes: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.boxes)

    @classmethod
    def empty(cls) -> 'Detections':
        return cls(np.zeros((0, 4), np.float32), np.zeros(0, np.float32))


class PersonDetector:
    """Base class: subclasses implement :meth:`detect`; calling the detector keeps the
    boxes of at least ``score_thr``, clipped to the image, non-empty, best first, at most
    ``max_persons`` of them.

    Args:
        score_thr: boxes scoring below it are dropped (unit: the detector's score).
        max_persons: keep at most this many boxes per frame (None: all).
        min_size: boxes narrower or lower than this many px (after clipping) are dropped.
    """

    #: what the scores mean, for docs and outputs
    score_unit = 'confidence in [0, 1]'

    def __init__(self, score_thr: float = 0.0, max_persons: int | None = None,
                 min_size: float = 4.0) -> None:
        if max_persons is not None and max_persons < 1:
            raise ValueError(f'max_persons must be >= 1 or None, got {max_persons}')
        self.score_thr = float(score_thr)
        self.max_persons = max_persons
        self.min_size = float(min_size)

    def detect(self, frame: Frame) -> Detections:
        """Raw detections of people in ``frame.image`` (any order, unclipped)."""
        raise NotImplementedError

    def __call__(self, frame: Frame) -> Detections:
        if frame.image is None:
            return Detections.empty()
        raw = self.detect(frame)
        boxes = as_boxes(raw.boxes)
        scores = np.asarray(raw.scores, dtype=np.float64).reshape(-1)
        if len(scores) != len(boxes):
            raise ValueError(f'{type(self).__name__}: {len(boxes)} boxes but {len(scores)} '
                             'scores')
        h, w = frame.image.shape[:2]
        boxes = clip_boxes(boxes, w, h)
        size = boxes[:, 2:] - boxes[:, :2]
        keep = (np.isfinite(scores) & (scores >= self.score_thr)
                & np.all(size >= self.min_size, axis=1))
        boxes, scores = boxes[keep], scores[keep]
        order = np.argsort(-scores, kind='stable')[:self.max_persons]
        return Detections(boxes[order].astype(np.float32), scores[order].astype(np.float32))

    def __repr__(self) -> str:
        return f'{type(self).__name__}(score_thr={self.score_thr})'
