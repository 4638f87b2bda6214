"""COCO keypoints as extra in-the-wild 2D data, mapped onto wildpose's 16 joints.

Reads the official ``person_keypoints_{train,val}2017.json`` with xtcocotools. COCO's 17
joints lack the pelvis, thorax, upper neck and head top: pelvis and thorax are the
hips' and shoulders' midpoints, the upper neck the shoulders' midpoint (or unlabelled),
the head top is always unlabelled; see :mod:`wildpose.datasets.joint_mappings`.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..registry import DATASETS
from .coco3d_dataset import Coco3DDataset
from .joint_mappings import coco_to_wildpose


@DATASETS.register_module()
class CocoWildDataset(Coco3DDataset):
    """COCO people with 2D joints only (``has_3d`` False), for the 2D and geometric losses.

    Args:
        ann_file: ``annotations/person_keypoints_train2017.json`` (relative to
            ``data_root``); images under ``data_prefix=dict(img='train2017/')``.
        min_keypoints: keep people with at least this many labelled COCO joints (COCO's
            ``num_keypoints``; people with none are useless for pose training).
        min_box_size: keep people whose box is at least this many px on its shorter side.
        upper_neck: 'shoulders' (derive it) or 'invisible', see
            :func:`~wildpose.datasets.joint_mappings.coco_to_wildpose`.
        missing_image: 'fail' (default), 'skip' or 'unchecked'.
        domain: ``domain`` of each sample (default 'coco').
        Other arguments as :class:`~wildpose.datasets.coco3d_dataset.Coco3DDataset`.
    """

    METAINFO = dict(Coco3DDataset.METAINFO, dataset_name='coco_wild')

    def __init__(self, ann_file: str, min_keypoints: int = 8, min_box_size: float = 32.0,
                 upper_neck: str = 'shoulders', missing_image: str = 'fail',
                 domain: str = 'coco', **kwargs: Any) -> None:
        self.min_keypoints = min_keypoints
        self.min_box_size = min_box_size
        self.upper_neck = upper_neck
        coco_to_wildpose(np.zeros((17, 3)), upper_neck)  # validates the option early
        super().__init__(ann_file=ann_file, with_3d=False, domain=domain,
                         joint_layout='coco17', missing_image=missing_image, **kwargs)

    def keep_annotation(self, ann: dict) -> bool:
        kpts = np.asarray(ann.get('keypoints', []), np.float32).reshape(-1, 3)
        labelled = int(ann.get('num_keypoints', int(np.sum(kpts[:, 2] > 0))))
        bbox = ann.get('bbox')
        if not isinstance(bbox, (list, tuple)) or len(bbox) != 4:
            return True  # the reader reports the malformed field
        return labelled >= self.min_keypoints and min(bbox[2:4]) >= self.min_box_size

    def load_data_list(self) -> list[dict]:
        data_list = super().load_data_list()
        if self.upper_neck == 'invisible':
            for item in data_list:
                item['keypoints'][8] = 0.0
                item['keypoints_visible'][8] = 0.0
        return data_list
