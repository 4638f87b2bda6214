"""Person detectors (registered in ``wildpose.registry.PERSON_DETECTORS``): each turns a
:class:`~wildpose.apis.sources.Frame` into :class:`Detections` (boxes x1 y1 x2 y2 in image
px and scores), dropping boxes below its ``score_thr``.

| type | needs | scores |
| --- | --- | --- |
| ``HOGPersonDetector`` | nothing (OpenCV's embedded SVM) | SVM margin |
| ``CocoDetectionFile`` | a COCO-style detection JSON (mmdet / MMPose) | the file's |
| ``TorchvisionPersonDetector`` | torchvision and weights on disk | [0, 1] |
| ``WholeImage`` / ``FixedBoxes`` | nothing: the image, or boxes given by hand | 1 |
"""
from .base import Detections, PersonDetector
from .coco_json import CocoDetectionFile
from .fixed import FixedBoxes, WholeImage
from .hog import HOGPersonDetector
from .torchvision_detector import TorchvisionPersonDetector

__all__ = ['Detections', 'PersonDetector', 'CocoDetectionFile', 'FixedBoxes', 'WholeImage',
           'HOGPersonDetector', 'TorchvisionPersonDetector']
