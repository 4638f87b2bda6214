"""Boxes that need no detector: the whole image, or boxes given by hand."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ...geometry.boxes import as_boxes
from ...registry import PERSON_DETECTORS
from ..sources import Frame
from .base import Detections, PersonDetector


@PERSON_DETECTORS.register_module()
class WholeImage(PersonDetector):
    """One person box: the whole image (for crops that hold one centred person).
    Score 1."""

    def detect(self, frame: Frame) -> Detections:
        h, w = frame.image.shape[:2]
        return Detections(np.array([[0, 0, w, h]], np.float32), np.ones(1, np.float32))


@PERSON_DETECTORS.register_module()
class FixedBoxes(PersonDetector):
    """The same boxes in every frame (x1 y1 x2 y2, image px; e.g. ``--bbox``). Score 1.

    Args:
        boxes: (N, 4) or one (4,) box.
    """

    def __init__(self, boxes: Sequence[float] | Sequence[Sequence[float]], **kwargs) -> None:
        super().__init__(**kwargs)
        arr = np.asarray(boxes, dtype=np.float64)
        self.boxes = as_boxes(arr.reshape(1, 4) if arr.shape == (4,) else arr)
        bad = ~np.all(np.isfinite(self.boxes), 1) | (self.boxes[:, 2] <= self.boxes[:, 0]) | \
            (self.boxes[:, 3] <= self.boxes[:, 1])
        if bad.any():
            raise ValueError(f'FixedBoxes: box {int(np.argmax(bad))} must be x1 y1 x2 y2 with '
                             f'x2 > x1 and y2 > y1, got {self.boxes[np.argmax(bad)].tolist()}')

    def detect(self, frame: Frame) -> Detections:
        return Detections(self.boxes.copy(), np.ones(len(self.boxes)))
