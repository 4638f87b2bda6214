"""Tiny fixtures in the real datasets' on-disk formats, written by the tests.

Each image is black with one coloured disc per joint (colour ``JOINT_COLOURS[j]`` for
the file's joint j), so a test can check that a transformed joint still lands on its
own disc. 3D joints are back-projected from the 2D grid and ``part`` is their exact
projection with the (distorting) camera.
"""
from __future__ import annotations

import json
import os
import os.path as osp
import pickle

import cv2
import numpy as np

from wildpose.geometry.camera import project_points

#: 17 well-separated BGR colours
JOINT_COLOURS = np.array([
    (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0), (255, 0, 255), (0, 255, 255),
    (128, 0, 0), (0, 128, 0), (0, 0, 128), (128, 128, 0), (128, 0, 128), (0, 128, 128),
    (255, 128, 0), (255, 0, 128), (128, 255, 0), (0, 255, 128), (128, 0, 255)],
    dtype=np.uint8)
DISC_RADIUS = 6
IMG_SIZE = (400, 400)  # (w, h)
CAMERA = dict(f=np.array([[500.0], [505.0]]), c=np.array([[200.0], [198.0]]),
              k=np.array([[-0.02], [0.01], [0.0]]), p=np.array([[0.001], [-0.0005]]),
              R=np.eye(3), T=np.zeros((3, 1)), w=IMG_SIZE[0], h=IMG_SIZE[1])


def grid_joints(seed: int, num: int = 17) -> np.ndarray:
    """(num, 2) image px on a jittered 5 x 4 grid (spacing 55 px) inside the image."""
    rng = np.random.default_rng(seed)
    cells = rng.permutation(20)[:num]
    xy = np.stack([cells % 5, cells // 5], axis=1) * 55.0 + [95.0, 110.0]
    return xy + rng.uniform(-8, 8, xy.shape)


def draw_joints(path: str, uv: np.ndarray, size: tuple[int, int] = IMG_SIZE) -> None:
    img = np.zeros((size[1], size[0], 3), np.uint8)
    for j, (u, v) in enumerate(uv):
        cv2.circle(img, (int(round(u)), int(round(v))), DISC_RADIUS,
                   tuple(int(c) for c in JOINT_COLOURS[j]), -1)
    os.makedirs(osp.dirname(path), exist_ok=True)
    cv2.imwrite(path, img)


def nearest_colour(img: np.ndarray, uv: np.ndarray) -> np.ndarray:
    """(J,) index of the fixture colour closest to the pixel at each (u, v) (-1 if the
    pixel is far from all, e.g. black)."""
    out = []
    for u, v in np.round(uv).astype(int):
        if not (0 <= v < img.shape[0] and 0 <= u < img.shape[1]):
            out.append(-1)
            continue
        d = np.linalg.norm(JOINT_COLOURS.astype(float) - img[v, u].astype(float), axis=1)
        out.append(int(np.argmin(d)) if d.min() < 60 else -1)
    return np.array(out)


def pose3d_from_2d(uv: np.ndarray, seed: int) -> np.ndarray:
    """Back-project (J, 2) px to camera-frame points (J, 3) in metres, depth 4-5 m."""
    rng = np.random.default_rng(seed + 100)
    z = 4.5 + rng.uniform(-0.3, 0.3, len(uv))
    f, c = CAMERA['f'].ravel(), CAMERA['c'].ravel()
    return np.concatenate([(uv - c) / f * z[:, None], z[:, None]], axis=1)


def write_pose3d_npz(root: str, names: list[str], seed: int = 0, images: bool = True,
                     cameras: dict | None = None, camera_keys: list | None = None,
                     npz_name: str = 'ann.npz', **override: np.ndarray) -> dict:
    """An MMPose-layout 3D ``.npz`` (+ images under root/images, + cameras.pkl when
    ``camera_keys`` is given: one key per name). Returns the arrays written."""
    parts, poses, centers, scales = [], [], [], []
    for i, name in enumerate(names):
        grid = grid_joints(seed + i)
        S = pose3d_from_2d(grid, seed + i)
        uv = project_points(S, CAMERA['f'], CAMERA['c'], CAMERA['k'], CAMERA['p'])
        parts.append(np.concatenate([uv, np.ones((17, 1))], axis=1))
        poses.append(np.concatenate([S, np.ones((17, 1))], axis=1))
        lo, hi = uv.min(0), uv.max(0)
        centers.append((lo + hi) / 2)
        scales.append(1.2 * (hi - lo).max() / 200)
        if images:
            draw_joints(osp.join(root, 'images', name), uv)
    arrays = dict(imgname=np.array(names), center=np.array(centers), scale=np.array(scales),
                  part=np.array(parts), S=np.array(poses))
    arrays.update(override)
    arrays = {k: v for k, v in arrays.items() if v is not None}
    np.savez(osp.join(root, npz_name), **arrays)
    if camera_keys is not None:
        cams = cameras or {key: dict(CAMERA) for key in camera_keys}
        with open(osp.join(root, 'cameras.pkl'), 'wb') as f:
            pickle.dump(cams, f)
    return arrays


def write_mpii_json(root: str, num: int = 3, seed: int = 0, head_box: bool = True,
                    name: str = 'mpii.json') -> list[dict]:
    """An MPII top-down JSON list (1-based coordinates) + images under root/images."""
    entries = []
    for i in range(num):
        uv = grid_joints(seed + i, 16)
        image = f'{i + 1:09d}.jpg'
        draw_joints(osp.join(root, 'images', image), uv)
        lo, hi = uv.min(0), uv.max(0)
        entry = dict(image=image, center=((lo + hi) / 2 + 1).tolist(),
                     scale=float(1.3 * (hi - lo).max() / 200), joints=(uv + 1).tolist(),
                     joints_vis=[1] * 15 + [0])
        if head_box:
            entry['head_box'] = [10.0, 20.0, 40.0, 60.0]   # diagonal 50 px
        entries.append(entry)
    with open(osp.join(root, name), 'w') as f:
        json.dump(entries, f)
    return entries
