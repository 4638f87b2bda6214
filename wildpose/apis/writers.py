"""Writing the inferencer's results: per-frame JSON / NPZ of every person, annotated MP4."""
from __future__ import annotations

import json
import os
import os.path as osp
from typing import Any

import numpy as np

from ..structures.skeleton import NUM_JOINTS
from .results import FrameResult, output_header


class PoseRecorder:
    """Collects :class:`FrameResult` s and writes them as one JSON and/or one NPZ.

    JSON: ``{joint_names, root_joint, conventions, source, fps, frames: [frame.to_dict()]}``
    (NaN written as null). NPZ: one row per (frame, person): ``frame_index`` (P,),
    ``time_s`` (P,), ``track_id`` (P,) (-1: none), ``bbox`` (P, 4), ``bbox_score`` (P,),
    ``keypoints`` (P, J, 2), ``scores`` (P, J), ``keypoints_3d`` (P, J, 3),
    ``keypoints_3d_camera`` (P, J, 3), ``root_camera`` (P, 3), ``reprojection_px`` (P,);
    one row per frame: ``frame_intrinsics`` (F, 4) fx fy cx cy, ``frame_time_s`` (F,);
    and ``meta``, the JSON header as a string.
    """

    def __init__(self, source: str = '', fps: float | None = None) -> None:
        self.source = source
        self.fps = fps
        self.frames: list[FrameResult] = []

    def add(self, frame: FrameResult) -> None:
        self.frames.append(frame)

    def header(self) -> dict[str, Any]:
        return dict(output_header(), source=self.source, fps=self.fps)

    def write_json(self, path: str) -> None:
        _makedirs(path)
        record = dict(self.header(), frames=[f.to_dict() for f in self.frames])
        with open(path, 'w', encoding='utf-8') as f:
            json.dump(record, f, indent=1, allow_nan=False)

    def arrays(self) -> dict[str, np.ndarray]:
        rows = [(f, p) for f in self.frames for p in f.persons]

        def stack(get: Any, shape: tuple[int, ...], dtype: Any = np.float32) -> np.ndarray:
            if not rows:
                return np.zeros((0, *shape), dtype)
            return np.stack([np.asarray(get(f, p), dtype) for f, p in rows])

        nan_t = float('nan')
        return dict(
            frame_index=stack(lambda f, p: f.index, (), np.int64),
            time_s=stack(lambda f, p: nan_t if f.time_s is None else f.time_s, (),
                         np.float64),
            track_id=stack(lambda f, p: -1 if p.track_id is None else p.track_id, (),
                           np.int64),
            bbox=stack(lambda f, p: p.bbox, (4,)),
            bbox_score=stack(lambda f, p: p.bbox_score, ()),
            keypoints=stack(lambda f, p: p.keypoints, (NUM_JOINTS, 2)),
            scores=stack(lambda f, p: p.scores, (NUM_JOINTS,)),
            keypoints_3d=stack(lambda f, p: p.keypoints_3d, (NUM_JOINTS, 3)),
            keypoints_3d_camera=stack(lambda f, p: p.keypoints_3d_camera, (NUM_JOINTS, 3)),
            root_camera=stack(lambda f, p: p.root_camera, (3,)),
            reprojection_px=stack(lambda f, p: p.reprojection_px, ()),
            frame_intrinsics=np.array(
                [[np.nan] * 4 if f.intrinsics is None else
                 [f.intrinsics.fx, f.intrinsics.fy, f.intrinsics.cx, f.intrinsics.cy]
                 for f in self.frames], np.float64).reshape(-1, 4),
            frame_time_s=np.array([np.nan if f.time_s is None else f.time_s
                                   for f in self.frames], np.float64),
            meta=np.array(json.dumps(self.header())))

    def write_npz(self, path: str) -> None:
        _makedirs(path)
        np.savez_compressed(path, **self.arrays())


def _makedirs(path: str) -> None:
    if osp.dirname(path):
        os.makedirs(osp.dirname(path), exist_ok=True)


class VideoWriter:
    """An MP4 (OpenCV's ``mp4v`` codec) of RGB pictures, sized by the first one; later
    pictures of another size are resized to it."""

    def __init__(self, path: str, fps: float) -> None:
        self.path = path
        self.fps = float(fps)
        self._writer: Any = None
        self._size: tuple[int, int] | None = None
        self.frames_written = 0

    def write(self, rgb: np.ndarray) -> None:
        import cv2

        h, w = rgb.shape[:2]
        if self._writer is None:
            _makedirs(self.path)
            w, h = w - w % 2, h - h % 2  # even sizes for the codec
            self._size = (w, h)
            self._writer = cv2.VideoWriter(self.path, cv2.VideoWriter_fourcc(*'mp4v'),
                                           self.fps, self._size)
            if not self._writer.isOpened():
                raise OSError(f'cannot write the video {self.path} (OpenCV mp4v)')
        bgr = np.ascontiguousarray(rgb[..., ::-1])
        if (bgr.shape[1], bgr.shape[0]) != self._size:
            bgr = cv2.resize(bgr, self._size, interpolation=cv2.INTER_AREA)
        self._writer.write(bgr)
        self.frames_written += 1

    def close(self) -> None:
        if self._writer is not None:
            self._writer.release()
            self._writer = None

    def __enter__(self) -> 'VideoWriter':
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
