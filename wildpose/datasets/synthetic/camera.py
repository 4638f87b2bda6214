"""Pinhole camera: intrinsics, projection, and placing a posed person in front of it.

Pure numpy. Camera frame: x right, y down, z forward, mm. Image px: u = f_x X / Z + c_x,
v = f_y Y / Z + c_y, with integer coordinates at pixel centres (OpenCV's convention).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Camera:
    """Pinhole intrinsics in image px."""
    fx: float
    fy: float
    cx: float
    cy: float

    def as_dict(self) -> dict[str, list[float]]:
        """The JSON form stored per image: ``{'f': [fx, fy], 'c': [cx, cy]}``."""
        return {'f': [self.fx, self.fy], 'c': [self.cx, self.cy]}

    @classmethod
    def from_dict(cls, d: dict) -> 'Camera':
        return cls(float(d['f'][0]), float(d['f'][1]), float(d['c'][0]), float(d['c'][1]))


def project(points: np.ndarray, cam: Camera) -> np.ndarray:
    """Project (..., 3) camera-frame points (mm, Z > 0) to (..., 2) image px."""
    points = np.asarray(points, dtype=np.float64)
    z = points[..., 2]
    if np.any(z <= 0):
        raise ValueError('project: every point needs Z > 0 (in front of the camera)')
    u = cam.fx * points[..., 0] / z + cam.cx
    v = cam.fy * points[..., 1] / z + cam.cy
    return np.stack([u, v], axis=-1)


def place_person(joints: np.ndarray, cam: Camera, distance: float,
                 centre_px: tuple[float, float]) -> np.ndarray:
    """Translation (3,) mm that puts a root-centred skeleton ``joints`` (J, 3) at depth
    ``distance`` (of the root) with the centre of its x-y extent projecting to
    ``centre_px`` (image px). Approximate under perspective, exact for the extent centre's
    ray."""
    lo, hi = joints[:, :2].min(0), joints[:, :2].max(0)
    mid = (lo + hi) / 2
    ray = np.array([(centre_px[0] - cam.cx) / cam.fx, (centre_px[1] - cam.cy) / cam.fy])
    xy = ray * distance - mid
    return np.array([xy[0], xy[1], distance])
