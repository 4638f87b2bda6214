"""A stand-in pose estimator for the inferencer's tests: it answers each crop with the
known pose of the person whose 2D joints' centre is nearest the crop's centre, plus
seeded noise, so that tracking, smoothing and camera placement can be checked against
an exact answer. It goes through the same path as the real model (test pipeline,
``test_step``, ``predict`` fields)."""
from __future__ import annotations

import numpy as np
import torch
from mmengine.model import BaseModel

from wildpose.registry import MODELS
from wildpose.structures.skeleton import ROOT


@MODELS.register_module(force=True)
class TruthStubEstimator(BaseModel):
    #: the people of the frame being run: [(keypoints (J, 2) px, joints (J, 3) mm camera)]
    truth: list = []
    noise_px: float = 0.0
    noise_mm: float = 0.0
    rng = np.random.default_rng(0)

    def __init__(self, data_preprocessor: dict | None = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor)
        self.unused = torch.nn.Parameter(torch.zeros(1))

    def forward(self, inputs, data_samples=None, mode='tensor'):
        assert mode == 'predict'
        cls = type(self)
        for ds in data_samples:
            centre = np.asarray(ds.metainfo['bbox_center'], np.float64)
            k = int(np.argmin([np.linalg.norm((kp.min(0) + kp.max(0)) / 2 - centre)
                               for kp, _ in cls.truth]))
            kp, joints = cls.truth[k]
            rel = joints - joints[ROOT]
            ds.pred_keypoints = (kp + cls.rng.normal(0, cls.noise_px, kp.shape)
                                 if cls.noise_px else kp.copy()).astype(np.float32)
            ds.pred_scores = np.ones(len(kp), np.float32)
            ds.pred_keypoints_3d = (rel + cls.rng.normal(0, cls.noise_mm, rel.shape)
                                    if cls.noise_mm else rel).astype(np.float32)
        return data_samples
