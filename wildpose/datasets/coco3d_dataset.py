"""People with 2D and (optionally) 3D joints, from COCO-style JSON.

The annotation file is COCO keypoints JSON (read with xtcocotools) with the 16 joints
of :mod:`wildpose.structures.skeleton` and, for data with 3D labels, a
``keypoints_3d`` list per annotation (J x [X, Y, Z, valid], camera frame, mm). The
embedded synthetic benchmark is written in this format.
"""
from __future__ import annotations

import os.path as osp
from typing import Any

import numpy as np
from mmengine.dataset import BaseDataset

from ..registry import DATASETS
from ..structures.skeleton import BONES, FLIP_PAIRS, JOINT_NAMES, NUM_JOINTS, flip_indices


class AnnotationError(ValueError):
    """A malformed annotation file; the message names the file and the field."""


def _field(ann: dict, name: str, size: int, path: str) -> np.ndarray:
    if name not in ann:
        raise AnnotationError(f"{path}: annotation id={ann.get('id')} has no '{name}' field")
    values = np.asarray(ann[name], dtype=np.float32)
    if values.size != size:
        raise AnnotationError(f"{path}: annotation id={ann.get('id')} field '{name}' has "
                              f'{values.size} numbers, expected {size}')
    if not np.all(np.isfinite(values)):
        raise AnnotationError(f"{path}: annotation id={ann.get('id')} field '{name}' holds "
                              'NaN or inf')
    return values


@DATASETS.register_module()
class Coco3DDataset(BaseDataset):
    """A top-down dataset of single people with 2D joints and optional 3D joints.

    Args:
        ann_file: COCO-style JSON, relative to ``data_root``.
        with_3d: read ``keypoints_3d`` when present. False makes the dataset 2D-only
            whatever the file holds (``has_3d`` is then False for every sample).
        domain: a name for the data source ('lab', 'wild', ...) put in each sample and
            used to group metrics; defaults to the file's ``info.domain`` or 'default'.
        Other arguments as :class:`mmengine.dataset.BaseDataset` (``data_root``,
        ``data_prefix=dict(img=...)``, ``pipeline``, ``test_mode``, ...).
    """

    METAINFO: dict[str, Any] = dict(
        dataset_name='coco3d', joint_names=JOINT_NAMES, num_joints=NUM_JOINTS,
        flip_pairs=FLIP_PAIRS, flip_indices=flip_indices(), skeleton_links=BONES)

    def __init__(self, ann_file: str, with_3d: bool = True, domain: str | None = None,
                 **kwargs: Any) -> None:
        self.with_3d = with_3d
        self.domain = domain
        kwargs.setdefault('data_prefix', dict(img=''))
        super().__init__(ann_file=ann_file, **kwargs)

    def load_data_list(self) -> list[dict]:
        from xtcocotools.coco import COCO  # heavy: imported when a dataset is built

        path = self.ann_file
        if not osp.isfile(path):
            raise FileNotFoundError(f'annotation file not found: {path}')
        try:
            coco = COCO(path)
        except Exception as err:  # malformed JSON or missing top-level keys
            raise AnnotationError(f'{path}: cannot be read as COCO-style JSON: {err}') from err
        info = coco.dataset.get('info', {}) or {}
        domain = self.domain or info.get('domain', 'default')
        img_root = self.data_prefix.get('img', '') or self.data_root
        data_list = []
        for ann_id in sorted(coco.anns):
            ann = coco.anns[ann_id]
            if ann.get('iscrowd', 0):
                continue
            if ann.get('image_id') not in coco.imgs:
                raise AnnotationError(f"{path}: annotation id={ann_id} field 'image_id' refers "
                                      f"to missing image {ann.get('image_id')}")
            img = coco.imgs[ann['image_id']]
            if 'file_name' not in img:
                raise AnnotationError(f"{path}: image id={img.get('id')} has no 'file_name'")
            kpts = _field(ann, 'keypoints', NUM_JOINTS * 3, path).reshape(NUM_JOINTS, 3)
            x, y, w, h = _field(ann, 'bbox', 4, path)
            info_item = dict(
                img_path=osp.join(img_root, img['file_name']), img_id=int(img['id']),
                sample_idx=int(ann_id), bbox=np.array([x, y, x + w, y + h], np.float32),
                keypoints=kpts[:, :2].copy(),
                keypoints_visible=(kpts[:, 2] > 0).astype(np.float32),
                has_3d=False, domain=domain, action=str(ann.get('action', '')))
            if self.with_3d and 'keypoints_3d' in ann:
                k3d = _field(ann, 'keypoints_3d', NUM_JOINTS * 4, path).reshape(NUM_JOINTS, 4)
                info_item['keypoints_3d'] = k3d[:, :3].copy()
                info_item['has_3d'] = True
            data_list.append(info_item)
        if not data_list:
            raise AnnotationError(f"{path}: field 'annotations' holds no usable person")
        return data_list
