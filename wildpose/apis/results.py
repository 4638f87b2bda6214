"""What the inferencer yields: per frame, per person, with units stated once."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..geometry.camera_space import Intrinsics
from ..structures.skeleton import JOINT_NAMES, ROOT

#: The conventions of every output (written into each JSON and NPZ, and docs/inference.md).
CONVENTIONS: dict[str, str] = dict(
    bbox='x1 y1 x2 y2, image px',
    keypoints='(J, 2) x y, image px (OpenCV: integer coordinates at pixel centres)',
    scores='(J,) the decoder\'s confidence per joint (heatmap maximum)',
    keypoints_3d=('(J, 3) mm, root-relative (the pelvis at 0), camera axes: x right, y '
                  'down, z forward (away from the camera); metric size from the bone-length '
                  'prior (14 bones summing to 4296.99 mm)'),
    keypoints_3d_camera=('(J, 3) mm in the camera frame: origin at the camera centre, x '
                         'right, y down, z forward; keypoints_3d moved by root_camera; '
                         'absolute depth is only as good as the intrinsics (see '
                         'intrinsics.source) and the bone-length prior'),
    root_camera='(3,) mm, the pelvis in the camera frame',
    reprojection_px='weighted RMS distance of the reprojected camera-frame joints to keypoints',
    time_s='seconds from the first frame (videos: frame index / fps)',
)


@dataclass
class PersonResult:
    """One person in one frame (units: :data:`CONVENTIONS`).

    Attributes:
        bbox: (4,) the detector's box. bbox_score: its score (the detector's unit).
        keypoints: (J, 2) image px. scores: (J,).
        keypoints_3d: (J, 3) root-relative mm.
        keypoints_3d_camera: (J, 3) camera-frame mm (NaN where the placement failed).
        root_camera: (3,) mm. reprojection_px: float.
        track_id: the person's id over a video's frames (None for still images).
    """
    bbox: np.ndarray
    bbox_score: float
    keypoints: np.ndarray
    scores: np.ndarray
    keypoints_3d: np.ndarray
    keypoints_3d_camera: np.ndarray
    root_camera: np.ndarray
    reprojection_px: float
    track_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        def listed(a: np.ndarray) -> list:  # 0.001 px / mm; NaN becomes null below
            return np.round(np.asarray(a, dtype=np.float64), 3).tolist()

        out = dict(track_id=self.track_id, bbox=listed(self.bbox),
                   bbox_score=float(self.bbox_score), keypoints=listed(self.keypoints),
                   scores=listed(self.scores), keypoints_3d=listed(self.keypoints_3d),
                   keypoints_3d_camera=listed(self.keypoints_3d_camera),
                   root_camera=listed(self.root_camera),
                   reprojection_px=float(self.reprojection_px))
        return _nan_to_none(out)


def _nan_to_none(x: Any) -> Any:
    if isinstance(x, float) and not np.isfinite(x):
        return None
    if isinstance(x, list):
        return [_nan_to_none(v) for v in x]
    if isinstance(x, dict):
        return {k: _nan_to_none(v) for k, v in x.items()}
    return x


@dataclass
class FrameResult:
    """Everyone found in one frame.

    Attributes:
        index: the frame's position in its source. source: the input's name.
        path: the image file (None for video frames). time_s: seconds (None for images).
        image_size: (w, h) px. intrinsics: the camera used for ``keypoints_3d_camera``.
        persons: best detection first. error: why the frame failed (then no persons).
        image: the frame (H, W, 3) uint8 BGR, kept for drawing (None if it failed).
    """
    index: int
    source: str
    path: str | None = None
    time_s: float | None = None
    image_size: tuple[int, int] | None = None
    intrinsics: Intrinsics | None = None
    persons: list[PersonResult] = field(default_factory=list)
    error: str | None = None
    image: np.ndarray | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (no image)."""
        return dict(index=self.index, source=self.source, path=self.path, time_s=self.time_s,
                    image_size=list(self.image_size) if self.image_size else None,
                    intrinsics=self.intrinsics.as_dict() if self.intrinsics else None,
                    error=self.error, persons=[p.to_dict() for p in self.persons])


def output_header() -> dict[str, Any]:
    """The fields every output file starts with: joint names, root and conventions."""
    return dict(joint_names=list(JOINT_NAMES), root_joint=JOINT_NAMES[ROOT],
                conventions=dict(CONVENTIONS))
