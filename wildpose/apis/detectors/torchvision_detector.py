"""A torchvision detector (Faster R-CNN and friends) from weights already on disk.

Nothing is downloaded: the weights file must exist (for example torchvision's
``fasterrcnn_resnet50_fpn_coco-258fb6c6.pth`` fetched once by hand). torchvision is an
optional dependency, imported only when this detector is built.
"""
from __future__ import annotations

import os.path as osp

import numpy as np
import torch

from ...registry import PERSON_DETECTORS
from ..sources import Frame
from .base import Detections, PersonDetector


@PERSON_DETECTORS.register_module()
class TorchvisionPersonDetector(PersonDetector):
    """Person boxes (COCO label 1) from a torchvision detection model.

    Args:
        weights: path of the model's state dict (read weights-only).
        arch: the builder's name in ``torchvision.models.detection``.
        device: where the detector runs.
        person_label: the person class index of the weights (COCO: 1).
    """

    def __init__(self, weights: str, arch: str = 'fasterrcnn_resnet50_fpn',
                 device: str = 'cpu', person_label: int = 1, score_thr: float = 0.5,
                 **kwargs) -> None:
        super().__init__(score_thr=score_thr, **kwargs)
        if not osp.isfile(weights):
            raise FileNotFoundError(f'torchvision detector weights not found: {weights} '
                                    '(they are never downloaded at run time)')
        try:
            from torchvision.models import detection
        except ImportError as err:
            raise ImportError('TorchvisionPersonDetector needs torchvision, built for this '
                              f'torch ({torch.__version__}): {err}') from err
        builder = getattr(detection, arch, None)
        if builder is None:
            raise ValueError(f"torchvision.models.detection has no '{arch}'")
        self.model = builder(weights=None, weights_backbone=None)
        state = torch.load(weights, map_location='cpu', weights_only=True)
        if isinstance(state, dict) and 'state_dict' in state:
            state = state['state_dict']
        self.model.load_state_dict(state)
        self.model.to(device).eval()
        self.device = device
        self.person_label = int(person_label)

    @torch.no_grad()
    def detect(self, frame: Frame) -> Detections:
        rgb = np.ascontiguousarray(frame.image[..., ::-1])
        x = torch.from_numpy(rgb).permute(2, 0, 1).float().div_(255.0).to(self.device)
        out = self.model([x])[0]
        person = out['labels'] == self.person_label
        return Detections(out['boxes'][person].cpu().numpy(),
                          out['scores'][person].cpu().numpy())
