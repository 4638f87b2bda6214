"""Person boxes read from a COCO-style detection file (what mmdet and MMPose write)."""
from __future__ import annotations

import json
import os.path as osp
import re
from collections import defaultdict
from typing import Any

import numpy as np

from ...geometry.boxes import xywh_to_xyxy
from ...registry import PERSON_DETECTORS
from ..sources import Frame
from .base import Detections, PersonDetector


def _load_json(path: str, what: str) -> Any:
    if not osp.isfile(path):
        raise FileNotFoundError(f'{what} not found: {path}')
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f'{what} {path} is not valid JSON: {err}') from err


def _image_table(images: Any, path: str) -> dict[str, Any]:
    """file name (and its base name) -> image id, from a COCO ``images`` list."""
    if not isinstance(images, list):
        raise ValueError(f"{path}: field 'images' must be a list")
    table: dict[str, Any] = {}
    for i, im in enumerate(images):
        if not isinstance(im, dict) or 'id' not in im or 'file_name' not in im:
            raise ValueError(f"{path}: images[{i}] needs 'id' and 'file_name'")
        name = str(im['file_name']).replace('\\', '/')
        table[name] = im['id']
        table.setdefault(osp.basename(name), im['id'])
    return table


@PERSON_DETECTORS.register_module()
class CocoDetectionFile(PersonDetector):
    """Boxes from a COCO-style detection JSON.

    Two layouts are read: the results list mmdet and MMPose write (``bbox_file``:
    ``[{"image_id", "category_id", "bbox": [x, y, w, h], "score"}, ...]``), or a dict with
    ``images`` and ``annotations`` (``score`` optional, 1 when absent). Entries whose
    ``category_id`` is not ``person_category`` are ignored.

    A frame is matched to an ``image_id`` by, in this order: the file name in an ``images``
    table (the file's own, or ``ann_file``'s, a COCO annotation file); for video frames,
    the frame index plus ``first_frame_id``; for an image named by a number (COCO's
    ``000000397133.jpg``), that number. An unmatched image has no detections.

    Args:
        det_file: the detection JSON.
        ann_file: a COCO annotation file whose ``images`` name the image ids.
        person_category: the person class id (COCO: 1).
        first_frame_id: the image id of a video's first frame.
    """

    def __init__(self, det_file: str, ann_file: str | None = None, person_category: int = 1,
                 first_frame_id: int = 0, score_thr: float = 0.3, **kwargs) -> None:
        super().__init__(score_thr=score_thr, **kwargs)
        self.det_file = det_file
        self.first_frame_id = int(first_frame_id)
        data = _load_json(det_file, 'detection file')
        table: dict[str, Any] = {}
        if isinstance(data, dict):
            if 'annotations' not in data:
                raise ValueError(f"{det_file}: a dict needs 'annotations' (or give the "
                                 'results list mmdet writes)')
            table = _image_table(data.get('images', []), det_file)
            entries = data['annotations']
        else:
            entries = data
        if not isinstance(entries, list):
            raise ValueError(f'{det_file}: expected a list of detections')
        if ann_file is not None:
            table.update(_image_table(_load_json(ann_file, 'annotation file').get('images'),
                                      ann_file))
        self.image_ids = table
        self._boxes: dict[Any, list[list[float]]] = defaultdict(list)
        self._scores: dict[Any, list[float]] = defaultdict(list)
        for i, det in enumerate(entries):
            where = f'{det_file}: detection {i}'
            if not isinstance(det, dict) or 'image_id' not in det or 'bbox' not in det:
                raise ValueError(f"{where} needs 'image_id' and 'bbox'")
            if det.get('category_id', person_category) != person_category:
                continue
            box = det['bbox']
            if not isinstance(box, (list, tuple)) or len(box) != 4 or not all(
                    isinstance(v, (int, float)) and np.isfinite(v) for v in box):
                raise ValueError(f"{where}: field 'bbox' must be 4 numbers x y w h, got {box!r}")
            score = det.get('score', 1.0)
            if not isinstance(score, (int, float)) or not np.isfinite(score):
                raise ValueError(f"{where}: field 'score' must be a number, got {score!r}")
            self._boxes[det['image_id']].append([float(v) for v in box])
            self._scores[det['image_id']].append(float(score))

    def image_id(self, frame: Frame) -> Any:
        """The image id of ``frame`` (None when it matches none)."""
        if frame.path is not None:
            name = frame.path.replace('\\', '/')
            for key in (name, osp.basename(name)):
                if key in self.image_ids:
                    return self.image_ids[key]
            stem = osp.splitext(osp.basename(name))[0]
            return int(stem) if re.fullmatch(r'\d+', stem) else None
        return frame.index + self.first_frame_id

    def detect(self, frame: Frame) -> Detections:
        key = self.image_id(frame)
        if key not in self._boxes:
            return Detections.empty()
        return Detections(xywh_to_xyxy(self._boxes[key]), np.asarray(self._scores[key]))
