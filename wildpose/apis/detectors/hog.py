"""OpenCV's HOG people detector (Dalal and Triggs 2005): embedded in OpenCV, nothing to
download. It finds upright, mostly unoccluded people about 100 px high or more."""
from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from ...geometry.boxes import nms, scale_boxes
from ...registry import PERSON_DETECTORS
from ..sources import Frame
from .base import Detections, PersonDetector


def hog_descriptor_class() -> Any:
    """OpenCV's ``HOGDescriptor``: in ``cv2`` up to OpenCV 4, in ``cv2.xobjdetect``
    (opencv-contrib-python) from OpenCV 5 on."""
    found = getattr(cv2, 'HOGDescriptor', None) or \
        getattr(getattr(cv2, 'xobjdetect', None), 'HOGDescriptor', None)
    if found is None:
        raise ImportError(
            f'OpenCV {cv2.__version__} has no HOGDescriptor: OpenCV 5 moved it to '
            'opencv-contrib-python (cv2.xobjdetect). Install opencv-python<5 (as '
            'requirements/runtime.txt does), or choose another detector '
            '(--detector whole_image, --det-file)')
    return found


@PERSON_DETECTORS.register_module()
class HOGPersonDetector(PersonDetector):
    """OpenCV's default people detector (a linear SVM on HOG features, 64x128 window).

    Scores are the SVM's margins (unbounded; about 0 to 3): ``score_thr`` is in that unit.
    The window holds a person with margins, so its boxes are shrunk to the person
    (``box_shrink``) before the pose model pads them again.

    Args:
        hit_threshold: SVM margin a window needs before grouping (OpenCV's hitThreshold).
        win_stride: window step, px (smaller: slower, finds more).
        scale: step between the image pyramid's levels.
        group_threshold: OpenCV's grouping of overlapping windows (0: none).
        nms_iou: boxes overlapping a better one by more than this are dropped.
        upscale: the image is enlarged by this factor first (2 finds people 50 px high).
        max_side: larger images are shrunk to this longest side first (speed), px.
        box_shrink: (w, h) factors from the window to the person.
    """

    score_unit = 'SVM margin (about 0 to 3)'

    def __init__(self, score_thr: float = 0.3, hit_threshold: float = 0.0,
                 win_stride: int = 4, scale: float = 1.05, group_threshold: int = 1,
                 nms_iou: float = 0.3, upscale: float = 1.0, max_side: int = 960,
                 box_shrink: tuple[float, float] = (0.55, 0.8), **kwargs) -> None:
        super().__init__(score_thr=score_thr, **kwargs)
        self.hog = hog_descriptor_class()()
        self.hog.setSVMDetector(self.hog.getDefaultPeopleDetector())
        self.hit_threshold = float(hit_threshold)
        self.win_stride = int(win_stride)
        self.scale = float(scale)
        self.group_threshold = int(group_threshold)
        self.nms_iou = float(nms_iou)
        self.upscale = float(upscale)
        self.max_side = int(max_side)
        self.box_shrink = (float(box_shrink[0]), float(box_shrink[1]))

    def detect(self, frame: Frame) -> Detections:
        img = frame.image
        h, w = img.shape[:2]
        factor = min(self.upscale, self.max_side / max(h, w))
        if factor != 1.0:
            img = cv2.resize(img, (max(1, round(w * factor)), max(1, round(h * factor))),
                             interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR)
        if min(img.shape[:2]) < 128 or img.shape[1] < 64:
            return Detections.empty()  # smaller than the detector's window
        rects, weights = self.hog.detectMultiScale(
            img, hitThreshold=self.hit_threshold, winStride=(self.win_stride,) * 2,
            padding=(16, 16), scale=self.scale, groupThreshold=self.group_threshold)
        if len(rects) == 0:
            return Detections.empty()
        xywh = np.asarray(rects, np.float64).reshape(-1, 4) / factor
        boxes = np.concatenate([xywh[:, :2], xywh[:, :2] + xywh[:, 2:]], axis=1)
        scores = np.asarray(weights, np.float64).reshape(-1)
        keep = nms(boxes, scores, self.nms_iou)
        return Detections(scale_boxes(boxes[keep], *self.box_shrink), scores[keep])
