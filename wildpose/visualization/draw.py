"""Pictures of a pose: the 2D skeleton on the image, a 3D view, and both side by side.

Pure functions on numpy arrays. Colours: the person's left side blue, right side red,
the centre line green (the same in 2D and 3D). matplotlib (Agg, no display needed) is
imported only inside :func:`draw_skeleton_3d`.
"""
from __future__ import annotations

from typing import Sequence

import cv2
import numpy as np

from ..structures.skeleton import BONES, is_left, is_right

#: RGB colours of the three sides
COLORS_RGB: dict[str, tuple[int, int, int]] = {
    'left': (30, 110, 255), 'right': (235, 40, 40), 'center': (40, 190, 60)}


def joint_side(joint: int) -> str:
    """'left', 'right' or 'center' for a joint of the 16-joint skeleton."""
    return 'left' if is_left(joint) else 'right' if is_right(joint) else 'center'


def bone_side(bone: tuple[int, int]) -> str:
    """A bone is left (right) when one of its joints is, else centre."""
    sides = {joint_side(j) for j in bone}
    return 'left' if 'left' in sides else 'right' if 'right' in sides else 'center'


def _bgr(side: str) -> tuple[int, int, int]:
    r, g, b = COLORS_RGB[side]
    return (b, g, r)


def _check_points(points: np.ndarray, dims: int, name: str) -> np.ndarray:
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != dims:
        raise ValueError(f'{name} must be (J, {dims}), got shape {points.shape}')
    return points


def draw_skeleton_2d(img: np.ndarray, keypoints: np.ndarray, scores: np.ndarray | None = None,
                     score_thr: float = 0.0, bones: Sequence[tuple[int, int]] = BONES,
                     radius: int | None = None, thickness: int | None = None,
                     gt_keypoints: np.ndarray | None = None) -> np.ndarray:
    """Draw joints and bones on a copy of ``img``.

    Args:
        img: (H, W, 3) uint8 BGR image.
        keypoints: (J, 2) joints in image px.
        scores: (J,) confidences; joints below ``score_thr`` (and non-finite ones) and
            their bones are not drawn.
        radius, thickness: in px; by default they grow with the image size.
        gt_keypoints: (J, 2) ground truth in image px, drawn as small white rings.

    Returns:
        (H, W, 3) uint8 BGR image.
    """
    if img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f'img must be (H, W, 3), got shape {img.shape}')
    kpts = _check_points(keypoints, 2, 'keypoints')
    out = np.ascontiguousarray(img, dtype=np.uint8).copy()
    size = min(out.shape[:2])
    radius = radius or max(2, int(round(size / 90)))
    thickness = thickness or max(1, int(round(size / 180)))
    ok = np.all(np.isfinite(kpts), axis=1)
    if scores is not None:
        ok &= np.asarray(scores, dtype=np.float64).reshape(-1) >= score_thr
    if gt_keypoints is not None:
        for x, y in _check_points(gt_keypoints, 2, 'gt_keypoints'):
            if np.isfinite(x) and np.isfinite(y):
                cv2.circle(out, (int(round(x)), int(round(y))), radius + 1, (255, 255, 255),
                           1, cv2.LINE_AA)
    for i, j in bones:
        if ok[i] and ok[j]:
            p, q = kpts[i], kpts[j]
            cv2.line(out, (int(round(p[0])), int(round(p[1]))),
                     (int(round(q[0])), int(round(q[1]))), _bgr(bone_side((i, j))),
                     thickness, cv2.LINE_AA)
    for j, (x, y) in enumerate(kpts):
        if ok[j]:
            cv2.circle(out, (int(round(x)), int(round(y))), radius, _bgr(joint_side(j)), -1,
                       cv2.LINE_AA)
    return out


def draw_skeleton_3d(keypoints_3d: np.ndarray, size: tuple[int, int] = (400, 400),
                     radius_mm: float = 1000.0, bones: Sequence[tuple[int, int]] = BONES,
                     elev: float = 12.0, azim: float = -70.0,
                     title: str = '3D pose (mm)',
                     centre: Sequence[float] | None = None) -> np.ndarray:
    """Render one or several 3D skeletons with matplotlib on fixed axes.

    Args:
        keypoints_3d: (J, 3) joints, or (P, J, 3) for P people, in mm, camera axes (x
            right, y down, z forward); shown with z as depth and -y up. Non-finite
            skeletons are skipped.
        size: (h, w) of the picture in px.
        radius_mm: every axis spans ``centre +- radius_mm`` whatever the poses.
        elev, azim: the viewing camera's elevation and azimuth, degrees (matplotlib's).
        centre: (3,) the middle of the axes in the same camera axes; default the origin
            (root-relative poses).

    Returns:
        (h, w, 3) uint8 RGB image.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    poses = np.asarray(keypoints_3d, dtype=np.float64)
    poses = poses[None] if poses.ndim == 2 else poses
    if poses.ndim != 3:
        raise ValueError(f'keypoints_3d must be (J, 3) or (P, J, 3), got shape {poses.shape}')
    poses = [_check_points(p, 3, 'keypoints_3d') for p in poses]
    c = np.zeros(3) if centre is None else np.asarray(centre, dtype=np.float64).reshape(3)
    h, w = size
    dpi = 100
    fig = Figure(figsize=(w / dpi, h / dpi), dpi=dpi)
    canvas = FigureCanvasAgg(fig)
    fig.subplots_adjust(left=0.0, right=0.88, bottom=0.04, top=0.94)
    ax = fig.add_subplot(projection='3d')
    for pose in poses:
        if not np.all(np.isfinite(pose)):
            continue
        xs, ys, zs = pose[:, 0], pose[:, 2], -pose[:, 1]  # plot axes: x, depth, up
        for i, j in bones:
            color = np.array(COLORS_RGB[bone_side((i, j))]) / 255.0
            ax.plot([xs[i], xs[j]], [ys[i], ys[j]], [zs[i], zs[j]], color=color, linewidth=2)
        colors = [np.array(COLORS_RGB[joint_side(j)]) / 255.0 for j in range(len(pose))]
        ax.scatter(xs, ys, zs, c=colors, s=10, depthshade=False)
    r = float(radius_mm)
    for axis, mid in (('x', c[0]), ('y', c[2]), ('z', -c[1])):
        getattr(ax, f'set_{axis}lim')(mid - r, mid + r)
        getattr(ax, f'set_{axis}ticks')(mid + np.linspace(-r, r, 5))
    ax.set_box_aspect((1, 1, 1), zoom=0.85)  # room for the axis labels
    ax.set_xlabel('x (mm)', fontsize=7)
    ax.set_ylabel('depth z (mm)', fontsize=7)
    ax.set_zlabel('up -y (mm)', fontsize=7)
    ax.tick_params(labelsize=6)
    ax.view_init(elev=elev, azim=azim)
    ax.set_title(title, fontsize=8)
    canvas.draw()
    rgb = np.asarray(canvas.buffer_rgba())[..., :3].copy()
    if rgb.shape[:2] != (h, w):  # figure sizes are rounded to whole pixels
        rgb = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA)
    return rgb


def render_side_by_side(img: np.ndarray, keypoints: np.ndarray, keypoints_3d: np.ndarray,
                        scores: np.ndarray | None = None, score_thr: float = 0.0,
                        min_height: int = 256, radius_mm: float = 1000.0,
                        gt_keypoints: np.ndarray | None = None) -> np.ndarray:
    """The image with its 2D skeleton, beside a square 3D view of the same height.

    The image is upscaled (aspect kept) to at least ``min_height`` px high first; the
    result is ``(H', W' + H', 3)`` with ``H' = max(H, min_height)`` and ``W'`` the
    image's width scaled alike.

    Args:
        img: (H, W, 3) uint8 BGR image; keypoints (J, 2) image px; keypoints_3d (J, 3) mm.

    Returns:
        uint8 RGB array.
    """
    if img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f'img must be (H, W, 3), got shape {img.shape}')
    h, w = img.shape[:2]
    factor = max(1.0, min_height / h)
    if factor > 1.0:
        img = cv2.resize(img, (int(round(w * factor)), int(round(h * factor))),
                         interpolation=cv2.INTER_LINEAR)
    scale = np.array([img.shape[1] / w, img.shape[0] / h])
    gt = None if gt_keypoints is None else np.asarray(gt_keypoints, np.float64)[:, :2] * scale
    panel_2d = draw_skeleton_2d(img, np.asarray(keypoints, np.float64) * scale, scores,
                                score_thr, gt_keypoints=gt)
    height = panel_2d.shape[0]
    panel_3d = draw_skeleton_3d(keypoints_3d, (height, height), radius_mm)
    return np.concatenate([panel_2d[..., ::-1], panel_3d], axis=1)


def save_rgb(path: str, rgb: np.ndarray) -> None:
    """Write an RGB array as an image file (PNG by extension); creates the folder."""
    import os
    import os.path as osp

    if osp.dirname(path):
        os.makedirs(osp.dirname(path), exist_ok=True)
    if not cv2.imwrite(path, np.ascontiguousarray(rgb[..., ::-1])):
        raise OSError(f'could not write the image {path}')
