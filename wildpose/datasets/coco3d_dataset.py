"""People with 2D and (optionally) 3D joints, from COCO-style JSON.

The annotation file is COCO keypoints JSON (read with xtcocotools) with, by default,
the 16 joints of :mod:`wildpose.structures.skeleton` and, for data with 3D labels, a
``keypoints_3d`` list per annotation (J x [X, Y, Z, valid], camera frame, mm). The
embedded synthetic benchmark is written in this format. Files in another joint layout
(e.g. Human3.6M's 17 joints) are read with ``joint_layout``, mapped as
:mod:`wildpose.datasets.joint_mappings` documents.
"""
from __future__ import annotations

import os.path as osp
from typing import Any

import numpy as np
from mmengine.dataset import BaseDataset

from ..registry import DATASETS
from ..structures.skeleton import BONES, FLIP_PAIRS, JOINT_NAMES, NUM_JOINTS, flip_indices
from .joint_mappings import LAYOUT_JOINTS, to_wildpose
from .loading_checks import AnnotationError, check_millimetres, drop_missing_images
from .sample_checks import SampleChecksMixin

__all__ = ['AnnotationError', 'Coco3DDataset']


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
class Coco3DDataset(SampleChecksMixin, BaseDataset):
    """A top-down dataset of single people with 2D joints and optional 3D joints.

    Args:
        ann_file: COCO-style JSON, relative to ``data_root``.
        with_3d: read ``keypoints_3d`` when present. False makes the dataset 2D-only
            whatever the file holds (``has_3d`` is then False for every sample).
        domain: a name for the data source ('lab', 'wild', ...) put in each sample and
            used to group metrics; defaults to the file's ``info.domain`` or 'default'.
        joint_layout: the file's joints: 'wildpose16' (default), 'h36m17',
            'mpi_inf_3dhp17' or 'coco17' (2D only); mapped onto our 16 joints.
        thorax_3d: for the 17-joint lab layouts, put the 3D thorax at the shoulders'
            midpoint (the original's rule).
        missing_image: 'fail', 'skip' or 'unchecked' (default: the synthetic benchmark
            writes its images after building the list), see ``loading_checks``.
        bad_sample: 'skip' (default), 'fail' or 'keep': samples that cannot produce a
            target (empty box, 3D sample without a labelled bone), see ``sample_checks``.
        Other arguments as :class:`mmengine.dataset.BaseDataset` (``data_root``,
        ``data_prefix=dict(img=...)``, ``pipeline``, ``test_mode``, ...).
    """

    METAINFO: dict[str, Any] = dict(
        dataset_name='coco3d', joint_names=JOINT_NAMES, num_joints=NUM_JOINTS,
        flip_pairs=FLIP_PAIRS, flip_indices=flip_indices(), skeleton_links=BONES)

    def __init__(self, ann_file: str, with_3d: bool = True, domain: str | None = None,
                 joint_layout: str = 'wildpose16', thorax_3d: bool = True,
                 missing_image: str = 'unchecked', bad_sample: str = 'skip',
                 **kwargs: Any) -> None:
        if joint_layout not in LAYOUT_JOINTS:
            raise ValueError(f'unknown joint_layout {joint_layout!r}; known: '
                             f'{sorted(LAYOUT_JOINTS)}')
        self.with_3d = with_3d
        self.domain = domain
        self.joint_layout = joint_layout
        self.thorax_3d = thorax_3d
        self.missing_image = missing_image
        self.bad_sample = bad_sample
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
        num = LAYOUT_JOINTS[self.joint_layout]
        data_list = []
        for ann_id in sorted(coco.anns):
            ann = coco.anns[ann_id]
            if ann.get('iscrowd', 0) or not self.keep_annotation(ann):
                continue
            if ann.get('image_id') not in coco.imgs:
                raise AnnotationError(f"{path}: annotation id={ann_id} field 'image_id' refers "
                                      f"to missing image {ann.get('image_id')}")
            img = coco.imgs[ann['image_id']]
            if 'file_name' not in img:
                raise AnnotationError(f"{path}: image id={img.get('id')} has no 'file_name'")
            kpts = _field(ann, 'keypoints', num * 3, path).reshape(num, 3)
            kpts = to_wildpose(kpts, self.joint_layout)
            x, y, w, h = _field(ann, 'bbox', 4, path)
            info_item = dict(
                img_path=osp.join(img_root, img['file_name']), img_id=int(img['id']),
                sample_idx=int(ann_id), bbox=np.array([x, y, x + w, y + h], np.float32),
                keypoints=kpts[:, :2].copy(),
                keypoints_visible=(kpts[:, 2] > 0).astype(np.float32),
                has_3d=False, domain=domain, action=str(ann.get('action', '')))
            if 'subject' in ann:
                info_item['subject'] = str(ann['subject'])
            if self.with_3d and 'keypoints_3d' in ann and self.joint_layout != 'coco17':
                k3d = _field(ann, 'keypoints_3d', num * 4, path).reshape(num, 4)
                k3d = to_wildpose(k3d, self.joint_layout, thorax_3d=self.thorax_3d)
                info_item['keypoints_3d'] = k3d[:, :3].copy()
                info_item['has_3d'] = True
            data_list.append(info_item)
        if not data_list:
            raise AnnotationError(f"{path}: field 'annotations' holds no usable person")
        with_3d = [d for d in data_list if d['has_3d']]
        if with_3d:
            check_millimetres(np.stack([d['keypoints_3d'] for d in with_3d[:500]]),
                              np.ones((min(len(with_3d), 500), NUM_JOINTS)), path,
                              'keypoints_3d')
        return self.checked(drop_missing_images(data_list, self.missing_image, path), path)

    def keep_annotation(self, ann: dict) -> bool:
        """Whether to use a (non-crowd) annotation; subclasses filter here."""
        return True
