"""Placing a root-relative 3D skeleton in the camera frame (pure numpy).

The network predicts 2D joints in image px and a root-relative 3D skeleton whose metric
size comes from the bone-length prior (``pose_to_metric``: the 14 bones sum to the
Human3.6M mean, 4296.99 mm). With the camera's intrinsics the only unknown left is the
translation ``T = (tx, ty, tz)`` of the root in the camera frame: it is the one that best
reprojects the 3D joints onto the predicted 2D joints,

    min_T  sum_j w_j || pi(X_j + T) - u_j ||^2,   pi(P) = (fx P_x / P_z + cx, fy P_y / P_z + cy)

solved by linear least squares on the equations multiplied out by the depth (exact when
the data are), then refined by Gauss-Newton on the pixel residuals above.

Camera frame: x right, y down, z forward (away from the camera), origin at the camera's
centre, mm. Image px: OpenCV's (integer coordinates at pixel centres).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from .camera import project_points

#: The diagonal field of view assumed when a camera's intrinsics are unknown, in degrees:
#: the focal length is the image diagonal in px (CLIFF, Li et al. 2022), 2 atan(1/2).
DEFAULT_DIAGONAL_FOV_DEG = math.degrees(2.0 * math.atan(0.5))

#: Nearest a joint may be to the camera's plane, mm: solutions with a joint closer (or
#: behind the camera) are rejected as degenerate.
MIN_DEPTH_MM = 1.0


@dataclass(frozen=True)
class Intrinsics:
    """Pinhole intrinsics in image px, and where they came from.

    Attributes:
        fx, fy: focal lengths, px. cx, cy: principal point, px.
        source: ``'given'`` (the user's camera) or ``'default_fov'`` (assumed from the
            image size, :meth:`from_fov`): absolute depth is then only as good as the guess.
    """
    fx: float
    fy: float
    cx: float
    cy: float
    source: str = 'given'

    def __post_init__(self) -> None:
        values = (self.fx, self.fy, self.cx, self.cy)
        if not all(math.isfinite(v) for v in values) or self.fx <= 0 or self.fy <= 0:
            raise ValueError('intrinsics need finite fx, fy > 0 and cx, cy (px), got '
                             f'fx={self.fx} fy={self.fy} cx={self.cx} cy={self.cy}')

    @classmethod
    def from_fov(cls, width: int, height: int,
                 diagonal_fov_deg: float = DEFAULT_DIAGONAL_FOV_DEG) -> 'Intrinsics':
        """Square pixels, principal point at the image centre, focal length from the
        diagonal field of view: ``f = (diagonal / 2) / tan(fov / 2)``."""
        if width < 1 or height < 1:
            raise ValueError(f'image size must be positive, got {width} x {height}')
        if not 0.0 < diagonal_fov_deg < 180.0:
            raise ValueError(f'field of view must be in (0, 180) degrees, got '
                             f'{diagonal_fov_deg}')
        f = 0.5 * math.hypot(width, height) / math.tan(math.radians(diagonal_fov_deg) / 2)
        # OpenCV's pixel centres: the image centre is at ((w - 1) / 2, (h - 1) / 2)
        return cls(f, f, (width - 1) / 2.0, (height - 1) / 2.0, 'default_fov')

    def matrix(self) -> np.ndarray:
        """(3, 3) camera matrix K."""
        return np.array([[self.fx, 0.0, self.cx], [0.0, self.fy, self.cy], [0.0, 0.0, 1.0]])

    def as_dict(self) -> dict[str, Any]:
        return dict(fx=self.fx, fy=self.fy, cx=self.cx, cy=self.cy, source=self.source)

    def project(self, points: np.ndarray) -> np.ndarray:
        """(..., 3) camera-frame points (mm, z > 0) -> (..., 2) image px."""
        return project_points(points, (self.fx, self.fy), (self.cx, self.cy))


class Placement(NamedTuple):
    """The camera-frame position of one skeleton.

    Attributes:
        translation: (3,) the root's position in the camera frame, mm (NaN if it failed).
        keypoints_3d: (J, 3) the joints in the camera frame, mm (NaN if it failed).
        reprojection_px: weighted RMS distance between the reprojected 3D joints and the
            2D joints, image px (NaN if it failed).
    """
    translation: np.ndarray
    keypoints_3d: np.ndarray
    reprojection_px: float


def _linear_translation(rel: np.ndarray, uv: np.ndarray, w: np.ndarray,
                        K: Intrinsics) -> np.ndarray:
    """Least squares on ``fx (X + tx) = (u - cx)(Z + tz)`` (and the same for y)."""
    du, dv = uv[:, 0] - K.cx, uv[:, 1] - K.cy
    n = len(rel)
    a = np.zeros((2 * n, 3))
    b = np.empty(2 * n)
    a[:n, 0], a[:n, 2] = K.fx, -du
    a[n:, 1], a[n:, 2] = K.fy, -dv
    b[:n] = du * rel[:, 2] - K.fx * rel[:, 0]
    b[n:] = dv * rel[:, 2] - K.fy * rel[:, 1]
    sw = np.sqrt(np.concatenate([w, w]))
    return np.linalg.lstsq(a * sw[:, None], b * sw, rcond=None)[0]


def _residuals(t: np.ndarray, rel: np.ndarray, uv: np.ndarray, w: np.ndarray,
               K: Intrinsics) -> tuple[np.ndarray, np.ndarray]:
    """Weighted pixel residuals (2J,) and their Jacobian (2J, 3) at translation ``t``."""
    p = rel + t
    z = p[:, 2]
    sw = np.sqrt(w)
    r = np.concatenate([(K.fx * p[:, 0] / z + K.cx - uv[:, 0]) * sw,
                        (K.fy * p[:, 1] / z + K.cy - uv[:, 1]) * sw])
    n = len(rel)
    jac = np.zeros((2 * n, 3))
    jac[:n, 0] = K.fx / z * sw
    jac[:n, 2] = -K.fx * p[:, 0] / z ** 2 * sw
    jac[n:, 1] = K.fy / z * sw
    jac[n:, 2] = -K.fy * p[:, 1] / z ** 2 * sw
    return r, jac


def place_in_camera(keypoints_3d: np.ndarray, keypoints_2d: np.ndarray, intrinsics: Intrinsics,
                    weights: np.ndarray | None = None, iterations: int = 10) -> Placement:
    """The camera-frame translation that best reprojects a root-relative skeleton.

    Args:
        keypoints_3d: (J, 3) root-relative joints, mm, camera axes (x right, y down,
            z forward); their scale is taken as known (the bone-length prior).
        keypoints_2d: (J, 2) the same joints in the image, px.
        intrinsics: the camera.
        weights: (J,) >= 0 per joint (e.g. the 2D scores); joints with weight 0 or a
            non-finite coordinate are ignored. Default: all 1.
        iterations: Gauss-Newton steps after the linear solution (0: linear only).

    Returns:
        :class:`Placement`. It is NaN when fewer than two joints count, when the weighted
        problem has no unique solution, or when the solution puts a joint less than
        ``MIN_DEPTH_MM`` in front of the camera.
    """
    rel = np.asarray(keypoints_3d, dtype=np.float64)
    uv = np.asarray(keypoints_2d, dtype=np.float64)
    if rel.ndim != 2 or rel.shape[1] != 3 or uv.shape != (len(rel), 2):
        raise ValueError(f'keypoints_3d must be (J, 3) and keypoints_2d (J, 2), got '
                         f'{rel.shape} and {uv.shape}')
    w = np.ones(len(rel)) if weights is None else \
        np.asarray(weights, dtype=np.float64).reshape(-1).copy()
    if w.shape != (len(rel),):
        raise ValueError(f'weights must be (J,) = ({len(rel)},), got {w.shape}')
    ok = np.isfinite(rel).all(1) & np.isfinite(uv).all(1) & np.isfinite(w) & (w > 0)
    failed = Placement(np.full(3, np.nan), np.full_like(rel, np.nan), float('nan'))
    if ok.sum() < 2:
        return failed
    rel_ok, uv_ok, w_ok = rel[ok], uv[ok], w[ok] / w[ok].max()
    t = _linear_translation(rel_ok, uv_ok, w_ok, intrinsics)
    if not np.all(np.isfinite(t)) or np.min(rel_ok[:, 2]) + t[2] < MIN_DEPTH_MM:
        return failed
    r, jac = _residuals(t, rel_ok, uv_ok, w_ok, intrinsics)
    cost = float(r @ r)
    for _ in range(iterations):
        step, *_ = np.linalg.lstsq(jac, -r, rcond=None)
        accepted = False
        for shrink in (1.0, 0.5, 0.25, 0.125):  # backtracking: the cost never rises
            trial = t + shrink * step
            if np.min(rel_ok[:, 2]) + trial[2] < MIN_DEPTH_MM:
                continue
            r_trial, jac_trial = _residuals(trial, rel_ok, uv_ok, w_ok, intrinsics)
            cost_trial = float(r_trial @ r_trial)
            if cost_trial <= cost:
                t, r, jac, cost, accepted = trial, r_trial, jac_trial, cost_trial, True
                break
        if not accepted or np.linalg.norm(shrink * step) < 1e-9 * max(1.0, abs(t[2])):
            break
    rms = math.sqrt(cost / w_ok.sum())  # per-joint px (x and y together)
    return Placement(t, rel + t, rms)
