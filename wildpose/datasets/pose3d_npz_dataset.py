"""Lab datasets stored as MMPose's image-based 3D annotation ``.npz`` (+ ``cameras.pkl``).

The archive (written by MMPose's ``preprocess_h36m.py`` / ``preprocess_mpi_inf_3dhp.py``
and by ``tools/dataset_converters/h36m_to_npz.py``) holds, for N person crops:

=========== ============ ======================================================
field       shape        meaning
=========== ============ ======================================================
``imgname`` (N,) str     image path relative to the image root
``center``  (N, 2)       person box centre, image px
``scale``   (N,)         person box side in units of 200 px
``part``    (N, 17, 3)   2D joints, image px, + visibility
``S``       (N, 17, 4)   3D joints in the camera frame, **metres**, + visibility
=========== ============ ======================================================

Subclasses say how to read subject, action, camera and frame from ``imgname`` and
which 17-joint layout the file uses; this base class checks the file, sub-samples
frames, maps the joints onto wildpose's 16 and builds the ``data_info`` dicts of
``docs/architecture.md``.
"""
from __future__ import annotations

import os.path as osp
from typing import Any, Hashable, Sequence

import numpy as np
from mmengine.dataset import BaseDataset

from ..geometry.camera import project_points
from ..structures.skeleton import BONES, FLIP_PAIRS, JOINT_NAMES, NUM_JOINTS, flip_indices
from .joint_mappings import swap_left_right, to_wildpose
from .loading_checks import (AnnotationError, bbox_from_center_scale, check_metres,
                             check_same_length, check_shape, drop_missing_images,
                             load_data_pickle, load_npz, require_file)
from .sample_checks import SampleChecksMixin

NPZ_FIELDS = ('imgname', 'center', 'scale', 'part', 'S')


class Pose3DNpzDataset(SampleChecksMixin, BaseDataset):
    """Base reader of the MMPose 3D ``.npz`` layout (not registered; see subclasses).

    Args:
        ann_file: the ``.npz``, relative to ``data_root``.
        camera_file: ``cameras.pkl`` (relative to ``data_root``), or None. When given,
            every sample's camera must be in it, and the projection of ``S`` with the
            camera is checked against ``part`` on a spread of samples.
        with_camera_param: also put ``camera_param`` (f, c, [k, p, w, h]) in each sample
            (off by default: it adds about 0.7 kB per sample to the dataset's memory).
        subjects: keep only these subjects (e.g. ``['S9', 'S11']``); None keeps all.
        frame_interval: keep every n-th frame of each video sequence (by the frame
            number in ``imgname``, counted from the sequence's first frame in the file,
            so an archive already sub-sampled by 5 and ``frame_interval=200`` keeps
            frames 1, 201, 401, ...).
        thorax_3d: put the 3D thorax at the shoulders' midpoint (the original's rule).
        swap_left_right: swap left/right joints (for files whose handedness is flipped;
            see :mod:`wildpose.datasets.joint_mappings`).
        missing_image: 'fail' (default), 'skip' or 'unchecked', see
            :func:`~wildpose.datasets.loading_checks.drop_missing_images`.
        projection_tol: the check fails when the median distance between projected
            ``S`` and ``part`` exceeds this fraction of the box side.
        domain: the ``domain`` written in each sample (default: the class's).
        Other arguments as :class:`mmengine.dataset.BaseDataset` (``data_root``,
        ``data_prefix=dict(img=...)``, ``pipeline``, ``test_mode``, ``lazy_init``...).
    """

    METAINFO: dict[str, Any] = dict(
        dataset_name='pose3d_npz', joint_names=JOINT_NAMES, num_joints=NUM_JOINTS,
        flip_pairs=FLIP_PAIRS, flip_indices=flip_indices(), skeleton_links=BONES)
    joint_layout = 'h36m17'
    default_domain = 'lab'

    def __init__(self, ann_file: str, camera_file: str | None = None,
                 subjects: Sequence[str] | None = None, frame_interval: int = 1,
                 thorax_3d: bool = True, swap_left_right: bool = False,
                 missing_image: str = 'fail', projection_tol: float = 0.05,
                 with_camera_param: bool = False, domain: str | None = None,
                 bad_sample: str = 'skip', **kwargs: Any) -> None:
        if int(frame_interval) < 1:
            raise ValueError(f'frame_interval must be >= 1, got {frame_interval}')
        self.camera_file = camera_file
        self.subjects = None if subjects is None else [str(s) for s in subjects]
        self.frame_interval = int(frame_interval)
        self.thorax_3d = thorax_3d
        self.swap_left_right = swap_left_right
        self.missing_image = missing_image
        self.bad_sample = bad_sample
        self.projection_tol = projection_tol
        self.with_camera_param = with_camera_param
        self.domain = domain or self.default_domain
        kwargs.setdefault('data_prefix', dict(img=''))
        super().__init__(ann_file=ann_file, **kwargs)

    # -------------------------------------------------------------- subclass hooks
    def parse_imgname(self, name: str) -> dict[str, Any]:
        """``imgname`` -> dict(subject, action, camera, sequence, frame) (frame: int).

        Raise ``AnnotationError`` for a name that does not fit the dataset's pattern.
        """
        raise NotImplementedError

    def camera_key(self, meta: dict[str, Any]) -> Hashable:
        """The ``cameras.pkl`` key of a sample (from :meth:`parse_imgname`'s dict)."""
        return (meta['subject'], meta['camera'])

    def extra_info(self, meta: dict[str, Any]) -> dict[str, Any]:
        """Dataset-specific metainfo added to each sample (e.g. the scene type)."""
        return {}

    # -------------------------------------------------------------- loading
    def _read_arrays(self, path: str) -> dict[str, np.ndarray]:
        raw = load_npz(path, NPZ_FIELDS)
        names = raw['imgname']
        if names.ndim != 1 or names.dtype.kind not in 'US':
            raise AnnotationError(f"{path}: field 'imgname' must be a (N,) array of strings, "
                                  f'got {names.dtype} {names.shape}')
        scale = np.asarray(raw['scale'])
        if scale.ndim == 2 and scale.shape[1] in (1, 2):  # (N, 1) or square (N, 2)
            scale = scale.max(axis=1)
        arrays = dict(
            imgname=names.astype(str),
            center=check_shape(raw['center'], (None, 2), path, 'center'),
            scale=check_shape(scale, (None,), path, 'scale'),
            part=check_shape(raw['part'], (None, 17, 3), path, 'part'),
            S=check_shape(raw['S'], (None, 17, 4), path, 'S'))
        check_same_length(arrays, path)
        if np.any(arrays['scale'] <= 0):
            bad = int(np.argmax(arrays['scale'] <= 0))
            raise AnnotationError(f"{path}: field 'scale' is not positive at sample {bad}")
        check_metres(arrays['S'][..., :3], arrays['S'][..., 3], path, 'S')
        return arrays

    def _select(self, metas: list[dict[str, Any]]) -> np.ndarray:
        """Indices kept by the subject filter and the frame sub-sampling."""
        keep = np.ones(len(metas), bool)
        if self.subjects is not None:
            keep &= np.array([m['subject'] in self.subjects for m in metas], bool)
        if self.frame_interval > 1:
            first: dict[Any, int] = {}
            for m in metas:
                first[m['sequence']] = min(first.get(m['sequence'], m['frame']), m['frame'])
            keep &= np.array([(m['frame'] - first[m['sequence']]) % self.frame_interval == 0
                              for m in metas], bool)
        return np.nonzero(keep)[0]

    def _load_cameras(self) -> dict | None:
        if not self.camera_file:
            return None
        path = self.camera_file
        if not osp.isabs(path) and self.data_root:
            path = osp.join(self.data_root, path)
        require_file(path, 'camera file')
        cameras = load_data_pickle(path)  # runs nothing from the file
        if not isinstance(cameras, dict):
            raise AnnotationError(f'{path}: expected a dict keyed by camera, got '
                                  f'{type(cameras).__name__}')
        self._camera_path = path
        return cameras

    def _camera_param(self, cameras: dict, key: Hashable) -> dict[str, np.ndarray]:
        path = self._camera_path
        if key not in cameras:
            raise AnnotationError(f'{path}: no camera {key!r} (the file has {len(cameras)} '
                                  f'cameras, e.g. {next(iter(cameras), None)!r})')
        cam = cameras[key]
        missing = [k for k in ('f', 'c') if k not in cam]
        if missing:
            raise AnnotationError(f'{path}: camera {key!r} has no field(s) {missing}')
        param = dict(f=check_shape(np.ravel(cam['f']), (2,), path, f'{key}.f'),
                     c=check_shape(np.ravel(cam['c']), (2,), path, f'{key}.c'))
        for name, size in (('k', 3), ('p', 2)):
            if name in cam:
                param[name] = check_shape(np.ravel(cam[name]), (size,), path, f'{key}.{name}')
        for name in ('w', 'h'):
            if name in cam:
                param[name] = int(cam[name])
        return param

    def _check_projection(self, arrays: dict, idx: np.ndarray, params: list[dict],
                          path: str) -> None:
        """Projecting ``S`` with its camera must land on ``part`` (median over samples)."""
        pick = np.unique(np.linspace(0, len(idx) - 1, min(len(idx), 200)).astype(int))
        errors = []
        for j in pick:
            i = idx[j]
            cam = params[j]
            vis = (arrays['part'][i, :, 2] > 0) & (arrays['S'][i, :, 3] > 0)
            if not vis.any():
                continue
            uv = project_points(arrays['S'][i, vis, :3], cam['f'], cam['c'],
                                cam.get('k'), cam.get('p'))
            err = np.linalg.norm(uv - arrays['part'][i, vis, :2], axis=-1).mean()
            errors.append(err / (200.0 * arrays['scale'][i]))
        if errors and np.median(errors) > self.projection_tol:
            raise AnnotationError(
                f"{path}: projecting field 'S' with the cameras of {self._camera_path} misses "
                f"field 'part' by a median {np.median(errors):.3f} box sides (tolerance "
                f'{self.projection_tol}): wrong camera file, or S not in the camera frame')

    def load_data_list(self) -> list[dict]:
        path = self.ann_file
        arrays = self._read_arrays(path)
        metas = [self.parse_imgname(str(n)) for n in arrays['imgname']]
        idx = self._select(metas)
        if len(idx) == 0:
            subjects = sorted({m['subject'] for m in metas})
            raise AnnotationError(f'{path}: no sample left after selecting subjects '
                                  f'{self.subjects} (the file has {subjects}) and '
                                  f'frame_interval={self.frame_interval}')
        cameras = self._load_cameras()
        params = None
        if cameras is not None:
            cache: dict[Hashable, dict] = {}
            params = []
            for i in idx:
                key = self.camera_key(metas[i])
                if key not in cache:
                    cache[key] = self._camera_param(cameras, key)
                params.append(cache[key])
            self._check_projection(arrays, idx, params, path)

        part = to_wildpose(arrays['part'][idx], self.joint_layout)
        pose3d = to_wildpose(arrays['S'][idx], self.joint_layout, thorax_3d=self.thorax_3d)
        if self.swap_left_right:
            part, pose3d = swap_left_right(part), swap_left_right(pose3d)
        bbox = bbox_from_center_scale(arrays['center'][idx], arrays['scale'][idx])
        img_root = self.data_prefix.get('img', '') or self.data_root or ''
        data_list = []
        for n, i in enumerate(idx):
            meta = metas[i]
            item = dict(
                img_path=osp.join(img_root, str(arrays['imgname'][i])), img_id=int(i),
                sample_idx=int(i), bbox=bbox[n],
                keypoints=part[n, :, :2].astype(np.float32),
                keypoints_visible=(part[n, :, 2] > 0).astype(np.float32),
                keypoints_3d=(pose3d[n, :, :3] * 1000.0).astype(np.float32),
                keypoints_3d_visible=(pose3d[n, :, 3] > 0).astype(np.float32),
                has_3d=True, domain=self.domain, action=meta['action'],
                subject=meta['subject'], camera=str(meta['camera']),
                frame=int(meta['frame']), **self.extra_info(meta))
            if params is not None and self.with_camera_param:
                item['camera_param'] = params[n]
            data_list.append(item)
        return self.checked(drop_missing_images(data_list, self.missing_image, path), path)
