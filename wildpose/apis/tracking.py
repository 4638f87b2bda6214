"""Linking the people of consecutive frames: greedy box-IoU tracking."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..geometry.boxes import as_boxes, box_iou


@dataclass
class Track:
    """One person followed over frames: its id, last box (x1 y1 x2 y2, image px) and how
    many frames in a row it has not been seen."""
    track_id: int
    box: np.ndarray
    missed: int = 0


@dataclass
class IoUTracker:
    """Give each box of a frame the id of the track it overlaps most.

    Pairs (box, track) are matched greedily from the highest IoU down, each at most once,
    if their IoU is at least ``iou_thr``; an unmatched box starts a new track (ids count
    up from 0 and are never reused); a track unmatched for more than ``max_missed``
    frames in a row ends.

    Args:
        iou_thr: the least IoU of a match.
        max_missed: frames a track may go unseen and still be matched.
    """
    iou_thr: float = 0.3
    max_missed: int = 5
    tracks: list[Track] = field(default_factory=list)
    next_id: int = 0

    def __post_init__(self) -> None:
        if not 0.0 < self.iou_thr <= 1.0:
            raise ValueError(f'iou_thr must be in (0, 1], got {self.iou_thr}')
        if self.max_missed < 0:
            raise ValueError(f'max_missed must be >= 0, got {self.max_missed}')

    def update(self, boxes: np.ndarray) -> tuple[np.ndarray, list[int]]:
        """Match one frame's (N, 4) boxes.

        Returns:
            the (N,) int track id of each box, and the ids of the tracks that ended.
        """
        boxes = as_boxes(boxes)
        ids = np.full(len(boxes), -1, dtype=np.int64)
        if self.tracks and len(boxes):
            iou = box_iou(boxes, np.stack([t.box for t in self.tracks]))
            pairs = np.argwhere(iou >= self.iou_thr)
            order = np.argsort(-iou[pairs[:, 0], pairs[:, 1]], kind='stable')
            used_tracks: set[int] = set()
            for b, t in pairs[order]:
                if ids[b] < 0 and t not in used_tracks:
                    ids[b] = self.tracks[t].track_id
                    used_tracks.add(int(t))
        matched = {int(i) for i in ids if i >= 0}
        for track in self.tracks:
            track.missed = 0 if track.track_id in matched else track.missed + 1
        for b in np.flatnonzero(ids < 0):
            ids[b] = self.next_id
            self.tracks.append(Track(self.next_id, boxes[b].copy()))
            self.next_id += 1
        by_id = {t.track_id: t for t in self.tracks}
        for b, track_id in enumerate(ids):
            by_id[int(track_id)].box = boxes[b].copy()
        ended = [t.track_id for t in self.tracks if t.missed > self.max_missed]
        self.tracks = [t for t in self.tracks if t.missed <= self.max_missed]
        return ids, ended
