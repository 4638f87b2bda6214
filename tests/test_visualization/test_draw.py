"""Drawing functions: right sizes, non-blank pictures, left/right colours."""
from __future__ import annotations

import numpy as np
import pytest

from wildpose.structures.skeleton import NUM_JOINTS
from wildpose.visualization import (bone_side, draw_skeleton_2d, draw_skeleton_3d, joint_side,
                                    render_side_by_side, save_rgb)
from wildpose.visualization.draw import COLORS_RGB


def _pose_2d(w: float, h: float) -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.stack([rng.uniform(0.2, 0.8, NUM_JOINTS) * w,
                     rng.uniform(0.2, 0.8, NUM_JOINTS) * h], axis=1)


def _pose_3d() -> np.ndarray:
    return np.random.default_rng(1).normal(size=(NUM_JOINTS, 3)) * 300


def test_sides():
    assert joint_side(0) == 'right' and joint_side(5) == 'left' and joint_side(6) == 'center'
    assert bone_side((12, 8)) == 'right' and bone_side((6, 3)) == 'left'
    assert bone_side((8, 9)) == 'center'


def test_2d_draws_left_and_right_in_their_colours():
    img = np.zeros((120, 100, 3), np.uint8)
    out = draw_skeleton_2d(img, _pose_2d(100, 120))
    assert out.shape == img.shape and out.dtype == np.uint8
    assert not img.any()  # the input is not modified
    colours = {tuple(int(c) for c in px) for px in out.reshape(-1, 3)}
    for side in ('left', 'right', 'center'):
        r, g, b = COLORS_RGB[side]
        assert (b, g, r) in colours, side  # BGR
    # joints under the score threshold are not drawn
    blank = draw_skeleton_2d(img, _pose_2d(100, 120), scores=np.zeros(NUM_JOINTS),
                             score_thr=0.5)
    assert not blank.any()
    with pytest.raises(ValueError, match='keypoints'):
        draw_skeleton_2d(img, np.zeros((NUM_JOINTS, 3)))


def test_3d_view_has_the_size_asked_and_is_not_blank():
    rgb = draw_skeleton_3d(_pose_3d(), size=(150, 210))
    assert rgb.shape == (150, 210, 3) and rgb.dtype == np.uint8
    assert rgb.std() > 5  # axes, labels and bones drawn on the white background
    reds = (rgb[..., 0] > 180) & (rgb[..., 1] < 90) & (rgb[..., 2] < 90)
    blues = (rgb[..., 2] > 200) & (rgb[..., 0] < 90)
    assert reds.sum() > 5 and blues.sum() > 5


def test_side_by_side_size_and_file(tmp_path):
    img = np.full((100, 80, 3), 60, np.uint8)
    rgb = render_side_by_side(img, _pose_2d(80, 100), _pose_3d(), min_height=200)
    # upscaled to 200 px high: 160 px image + a 200 px square 3D view
    assert rgb.shape == (200, 160 + 200, 3)
    left = rgb[:, :160]
    assert (left != 60).any(axis=-1).sum() > 100  # the skeleton is drawn on the image
    big = render_side_by_side(np.zeros((300, 90, 3), np.uint8), _pose_2d(90, 300), _pose_3d())
    assert big.shape == (300, 390, 3)
    path = str(tmp_path / 'sub' / 'p.png')
    save_rgb(path, rgb)
    import cv2
    back = cv2.imread(path)[..., ::-1]
    assert np.array_equal(back, rgb)
