"""MPII Human Pose from the top-down repos' JSON list (+ head boxes for PCKh).

The annotation file (``mpii_train.json`` / ``mpii_val.json`` of MMPose and HRNet, or
``tools/dataset_converters/mpii_mat_to_json.py``'s output) is a JSON list of people::

    {"image": "015601864.jpg", "center": [594.0, 257.0], "scale": 3.021,
     "joints": [[x, y] x 16], "joints_vis": [0/1 x 16], "head_box": [x1, y1, x2, y2]}

``center`` and ``joints`` are MATLAB 1-based image px (``one_based=True`` shifts them
to 0-based); ``scale`` is the person's size in units of 200 px. As in the stacked
hourglass code, the box centre moves down by ``15 * scale`` px and the box is a square
of side ``200 * scale`` px (``GetBBoxCenterScale``'s padding then enlarges it).

PCKh needs each person's head size: 0.6 x the diagonal of the head box (the official
evaluation's rule), from the entry's optional ``head_box`` or, for the standard
validation list, from the official ``mpii_gt_val.mat`` (``headbox_file``; its columns
follow the list's order, which is checked against the joints). Reading ``.mat`` needs
scipy, an optional dependency.
"""
from __future__ import annotations

import json
import os.path as osp
from typing import Any

import numpy as np
from mmengine.dataset import BaseDataset

from ..registry import DATASETS
from ..structures.skeleton import BONES, FLIP_PAIRS, JOINT_NAMES, NUM_JOINTS, flip_indices
from .loading_checks import (AnnotationError, bbox_from_center_scale, check_shape,
                             drop_missing_images, require_file)
from .sample_checks import SampleChecksMixin

#: the official PCKh head-size factor: head size = 0.6 x head-box diagonal
PCKH_HEAD_FACTOR = 0.6


def head_size_from_boxes(boxes: np.ndarray) -> np.ndarray:
    """(N, 4) head boxes x1 y1 x2 y2 (image px) -> (N,) head sizes, image px."""
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    return (PCKH_HEAD_FACTOR * np.linalg.norm(boxes[:, 2:] - boxes[:, :2], axis=1)
            ).astype(np.float32)


def read_mpii_gt_mat(path: str) -> dict[str, np.ndarray]:
    """Read the official ``mpii_gt_val.mat``: ``head_boxes`` (N, 4) x1 y1 x2 y2,
    ``joints`` (N, 16, 2) and ``missing`` (N, 16) bool, all 1-based image px."""
    require_file(path, 'MPII head-box file')
    try:
        from scipy.io import loadmat
    except ImportError as err:
        raise ImportError(f'reading {path} needs scipy (an optional dependency of wildpose): '
                          'pip install scipy, or give each JSON entry a "head_box"') from err
    mat = loadmat(path)
    for key in ('headboxes_src', 'pos_gt_src', 'jnt_missing'):
        if key not in mat:
            raise AnnotationError(f"{path}: missing field '{key}'")
    boxes = np.asarray(mat['headboxes_src'], np.float64)   # (2, 2, N): corner, xy, person
    joints = np.asarray(mat['pos_gt_src'], np.float64)     # (16, 2, N)
    missing = np.asarray(mat['jnt_missing'])               # (16, N)
    check_shape(boxes, (2, 2, None), path, 'headboxes_src', np.float64)
    check_shape(joints, (NUM_JOINTS, 2, None), path, 'pos_gt_src', np.float64)
    check_shape(missing, (NUM_JOINTS, None), path, 'jnt_missing', np.float64)
    return dict(head_boxes=boxes.transpose(2, 0, 1).reshape(-1, 4),
                joints=joints.transpose(2, 0, 1), missing=missing.T.astype(bool))


def _entry_array(entry: dict, key: str, shape: tuple, path: str, i: int) -> np.ndarray:
    if key not in entry:
        raise AnnotationError(f"{path}: entry {i} ({entry.get('image')}) has no '{key}' field")
    return check_shape(entry[key], shape, path, f'[{i}].{key}')


@DATASETS.register_module()
class MpiiDataset(SampleChecksMixin, BaseDataset):
    """MPII people with 2D joints (image px), for the 2D heatmap loss and PCKh.

    Args:
        ann_file: the JSON list, relative to ``data_root``.
        headbox_file: ``mpii_gt_val.mat`` (relative to ``data_root``) for the head sizes
            of the validation list, or None (``head_box`` fields are used when present).
        one_based: the file's coordinates are MATLAB 1-based (true of the standard files).
        center_shift: move the box centre down by this many times ``scale`` px (15 in
            the stacked-hourglass code; 0 keeps the file's centre).
        missing_image: 'fail', 'skip' or 'unchecked' (see ``loading_checks``).
        domain: ``domain`` of each sample (default 'mpii').
        Other arguments as :class:`mmengine.dataset.BaseDataset`.

    Samples carry ``head_size`` (image px) when head boxes are known; joints with
    ``joints_vis`` 0 get visibility 0.
    """

    METAINFO: dict[str, Any] = dict(
        dataset_name='mpii', joint_names=JOINT_NAMES, num_joints=NUM_JOINTS,
        flip_pairs=FLIP_PAIRS, flip_indices=flip_indices(), skeleton_links=BONES)

    def __init__(self, ann_file: str, headbox_file: str | None = None,
                 one_based: bool = True, center_shift: float = 15.0,
                 missing_image: str = 'fail', domain: str = 'mpii', bad_sample: str = 'skip',
                 **kwargs: Any) -> None:
        self.headbox_file = headbox_file
        self.one_based = one_based
        self.center_shift = center_shift
        self.missing_image = missing_image
        self.bad_sample = bad_sample
        self.domain = domain
        kwargs.setdefault('data_prefix', dict(img=''))
        super().__init__(ann_file=ann_file, **kwargs)

    def _read_json(self, path: str) -> list[dict]:
        require_file(path)
        try:
            with open(path) as f:
                entries = json.load(f)
        except (OSError, ValueError) as err:
            raise AnnotationError(f'{path}: cannot be read as JSON: {err}') from err
        if not isinstance(entries, list) or not entries:
            raise AnnotationError(f'{path}: expected a non-empty JSON list of people, got '
                                  f'{type(entries).__name__}')
        return entries

    def _head_sizes(self, entries: list[dict], joints: np.ndarray, path: str
                    ) -> np.ndarray | None:
        """(N,) head sizes (image px) or None when no head boxes are known."""
        if all('head_box' in e for e in entries):
            boxes = np.stack([_entry_array(e, 'head_box', (4,), path, i)
                              for i, e in enumerate(entries)])
            return head_size_from_boxes(boxes)
        if not self.headbox_file:
            return None
        mat_path = self.headbox_file
        if not osp.isabs(mat_path) and self.data_root:
            mat_path = osp.join(self.data_root, mat_path)
        gt = read_mpii_gt_mat(mat_path)
        if len(gt['head_boxes']) != len(entries):
            raise AnnotationError(f'{mat_path}: {len(gt["head_boxes"])} head boxes for '
                                  f'{len(entries)} people in {path}: the files do not match')
        # the .mat's columns follow the JSON's order: check it on the labelled joints
        both = ~gt['missing'] & (joints[..., 2] > 0)
        if both.any():
            offset = 1.0 if self.one_based else 0.0
            dist = np.linalg.norm(gt['joints'] - (joints[..., :2] + offset), axis=-1)[both]
            if np.median(dist) > 2.0:
                raise AnnotationError(f"{mat_path}: field 'pos_gt_src' differs from {path}'s "
                                      f'joints by a median {np.median(dist):.1f} px: the '
                                      'people are not in the same order')
        return head_size_from_boxes(gt['head_boxes'])

    def load_data_list(self) -> list[dict]:
        path = self.ann_file
        entries = self._read_json(path)
        n = len(entries)
        shift = 1.0 if self.one_based else 0.0
        center = np.zeros((n, 2), np.float32)
        scale = np.zeros(n, np.float32)
        joints = np.zeros((n, NUM_JOINTS, 3), np.float32)
        for i, e in enumerate(entries):
            if not isinstance(e, dict) or 'image' not in e:
                raise AnnotationError(f"{path}: entry {i} has no 'image' field")
            center[i] = _entry_array(e, 'center', (2,), path, i)
            scale[i] = _entry_array(e, 'scale', (), path, i)
            if scale[i] <= 0:
                raise AnnotationError(f"{path}: entry {i} ({e['image']}) field 'scale' is "
                                      f'{scale[i]}, must be positive')
            if 'joints' in e or not self.test_mode:
                joints[i, :, :2] = _entry_array(e, 'joints', (NUM_JOINTS, 2), path, i)
                joints[i, :, 2] = _entry_array(e, 'joints_vis', (NUM_JOINTS,), path, i) > 0
        joints[..., :2] -= shift * (joints[..., 2:] > 0)
        center[:, 1] += self.center_shift * scale
        bbox = bbox_from_center_scale(center - shift, scale)
        head_size = self._head_sizes(entries, joints, path)
        img_root = self.data_prefix.get('img', '') or self.data_root or ''
        data_list = []
        for i, e in enumerate(entries):
            stem = osp.splitext(osp.basename(e['image']))[0]
            item = dict(
                img_path=osp.join(img_root, e['image']),
                img_id=int(stem) if stem.isdigit() else i, sample_idx=i, bbox=bbox[i],
                keypoints=joints[i, :, :2].copy(), keypoints_visible=joints[i, :, 2].copy(),
                has_3d=False, domain=self.domain, action='')
            if head_size is not None:
                item['head_size'] = float(head_size[i])
            data_list.append(item)
        return self.checked(drop_missing_images(data_list, self.missing_image, path), path)
