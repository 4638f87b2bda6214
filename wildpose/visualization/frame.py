"""Pictures of a whole frame: every person's box, id and 2D skeleton on the image, beside
a 3D view of everyone in the camera frame (or root-relative), from a settable viewpoint."""
from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any, Sequence

import cv2
import numpy as np

from .draw import draw_skeleton_2d, draw_skeleton_3d

#: BGR colours of the boxes, by track id
_BOX_COLOURS = ((0, 200, 255), (255, 160, 0), (180, 80, 255), (0, 220, 120), (80, 80, 255))


def draw_people_2d(img: np.ndarray, persons: Sequence[Any], score_thr: float = 0.0
                   ) -> np.ndarray:
    """Boxes (labelled with the track id where there is one) and 2D skeletons of
    ``persons`` (objects with ``bbox``, ``keypoints``, ``scores``, ``track_id``) on a copy
    of the BGR image."""
    out = np.ascontiguousarray(img, dtype=np.uint8).copy()
    thickness = max(1, int(round(min(out.shape[:2]) / 240)))
    for k, person in enumerate(persons):
        ident = person.track_id if person.track_id is not None else k
        colour = _BOX_COLOURS[ident % len(_BOX_COLOURS)]
        x1, y1, x2, y2 = (int(round(v)) for v in person.bbox)
        cv2.rectangle(out, (x1, y1), (x2, y2), colour, thickness, cv2.LINE_AA)
        if person.track_id is not None:
            cv2.putText(out, f'#{person.track_id}', (x1 + 2, max(12, y1 - 4)),
                        cv2.FONT_HERSHEY_SIMPLEX, 0.4 * thickness, colour, thickness,
                        cv2.LINE_AA)
        out = draw_skeleton_2d(out, person.keypoints, person.scores, score_thr)
    return out


class SceneView:
    """The 3D view's viewpoint and axes, kept steady across a video's frames.

    Args:
        elev, azim: the viewing camera's elevation and azimuth, degrees.
        space: ``'camera'`` (everyone where the camera sees them, ``keypoints_3d_camera``)
            or ``'root'`` (each skeleton root-relative, overlaid).
        radius_mm: the least half-width of the axes.
        step_mm: the axes' half-width and centre are multiples of this, so that they only
            change when someone leaves them.
    """

    def __init__(self, elev: float = 12.0, azim: float = -70.0, space: str = 'camera',
                 radius_mm: float = 1000.0, step_mm: float = 500.0) -> None:
        if space not in ('camera', 'root'):
            raise ValueError(f"space must be 'camera' or 'root', got {space!r}")
        self.elev, self.azim, self.space = float(elev), float(azim), space
        self.radius_mm, self.step_mm = float(radius_mm), float(step_mm)
        self._limits: tuple[np.ndarray, float] | None = None

    def poses(self, persons: Sequence[Any]) -> np.ndarray:
        """(P, J, 3) the skeletons to draw, mm."""
        field = 'keypoints_3d_camera' if self.space == 'camera' else 'keypoints_3d'
        poses = [np.asarray(getattr(p, field), dtype=np.float64) for p in persons]
        return np.stack(poses) if poses else np.zeros((0, 16, 3))

    def limits(self, poses: np.ndarray) -> tuple[np.ndarray, float]:
        """(centre (3,), half-width) of the axes: kept while every joint fits inside."""
        if self.space == 'root':
            return np.zeros(3), self.radius_mm
        finite = poses[np.all(np.isfinite(poses), axis=(1, 2))].reshape(-1, 3)
        if len(finite) == 0:
            return self._limits or (np.array([0.0, 0.0, 3000.0]), self.radius_mm)
        if self._limits is not None:
            centre, half = self._limits
            if np.all(np.abs(finite - centre) <= half):
                return self._limits
        lo, hi = finite.min(0), finite.max(0)
        step = self.step_mm
        centre = np.round((lo + hi) / 2 / step) * step
        half = max(self.radius_mm, math.ceil(np.abs(finite - centre).max() * 1.1 / step) * step)
        self._limits = (centre, float(half))
        return self._limits

    def draw(self, persons: Sequence[Any], size: tuple[int, int]) -> np.ndarray:
        """(h, w, 3) RGB picture of ``persons``."""
        poses = self.poses(persons)
        centre, half = self.limits(poses)
        title = '3D, camera frame (mm)' if self.space == 'camera' else '3D, root-relative (mm)'
        return draw_skeleton_3d(poses if len(poses) else np.full((1, 16, 3), np.nan), size,
                                half, elev=self.elev, azim=self.azim, title=title,
                                centre=centre)


def render_frame(img: np.ndarray, persons: Sequence[Any], view: SceneView,
                 min_height: int = 256, score_thr: float = 0.0) -> np.ndarray:
    """The frame with everyone's boxes and 2D skeletons, beside a square 3D view of the
    same height: ``(H', W' + H', 3)`` uint8 RGB, ``H' = max(H, min_height)``."""
    h, w = img.shape[:2]
    factor = max(1.0, min_height / h)
    if factor > 1.0:  # upscale first, so that lines stay sharp
        img = cv2.resize(img, (int(round(w * factor)), int(round(h * factor))),
                         interpolation=cv2.INTER_LINEAR)
        scale = np.array([img.shape[1] / w, img.shape[0] / h])
        persons = [SimpleNamespace(bbox=np.asarray(p.bbox) * np.tile(scale, 2),
                                   keypoints=np.asarray(p.keypoints) * scale,
                                   scores=p.scores, track_id=p.track_id,
                                   keypoints_3d=p.keypoints_3d,
                                   keypoints_3d_camera=p.keypoints_3d_camera)
                   for p in persons]
    panel = draw_people_2d(img, persons, score_thr)
    height = panel.shape[0]
    return np.concatenate([panel[..., ::-1], view.draw(persons, (height, height))], axis=1)
