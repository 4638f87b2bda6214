"""Frame pictures: everyone's boxes and skeletons, a steady 3D view from a set viewpoint."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from wildpose.structures.skeleton import NUM_JOINTS
from wildpose.visualization import SceneView, draw_people_2d, render_frame


def _person(x0: float, depth: float, track_id=None):
    rng = np.random.default_rng(int(x0))
    kpts = np.stack([x0 + rng.uniform(0, 30, NUM_JOINTS), rng.uniform(10, 90, NUM_JOINTS)], 1)
    rel = rng.normal(0, 300, (NUM_JOINTS, 3))
    rel -= rel[6]
    root = np.array([x0 * 10 - 500, 0.0, depth])
    return SimpleNamespace(bbox=np.array([x0, 5, x0 + 35, 95]), keypoints=kpts,
                           scores=np.ones(NUM_JOINTS), keypoints_3d=rel,
                           keypoints_3d_camera=rel + root, track_id=track_id)


def test_people_drawn_with_boxes_and_ids():
    img = np.zeros((100, 160, 3), np.uint8)
    out = draw_people_2d(img, [_person(10, 3000, 0), _person(100, 4000, 7)])
    assert not img.any() and out.shape == img.shape
    assert out[:, :60].any() and out[:, 95:].any()  # both people
    assert (out[5, 10:45] > 0).any()  # the first box's top edge


def test_scene_view_axes_stay_until_someone_leaves():
    view = SceneView(space='camera', radius_mm=1000, step_mm=500)
    a = view.poses([_person(10, 3000), _person(60, 3500)])
    centre, half = view.limits(a)
    assert np.all(np.abs(a.reshape(-1, 3) - centre) <= half)
    assert np.all(np.mod(centre, 500) == 0) and half % 500 == 0
    moved = view.poses([_person(12, 3050), _person(61, 3480)])
    assert view.limits(moved)[0] is centre  # still inside: the same axes
    far = view.poses([_person(12, 9000)])
    new_centre, new_half = view.limits(far)
    assert not np.array_equal(new_centre, centre)
    assert np.all(np.abs(far.reshape(-1, 3) - new_centre) <= new_half)
    root = SceneView(space='root', radius_mm=800)
    assert root.limits(a)[1] == 800 and not root.limits(a)[0].any()
    with pytest.raises(ValueError, match='space'):
        SceneView(space='world')


def test_render_frame_size_and_viewpoint():
    img = np.full((100, 160, 3), 90, np.uint8)
    people = [_person(10, 3000, 0), _person(100, 4000, 1)]
    a = render_frame(img, people, SceneView(azim=-70), min_height=200)
    assert a.shape == (200, 320 + 200, 3)  # upscaled 2x + a square 3D view
    b = render_frame(img, people, SceneView(azim=20, elev=60), min_height=200)
    assert np.abs(a[:, 320:].astype(int) - b[:, 320:]).mean() > 1  # another viewpoint
    assert np.array_equal(a[:, :320], b[:, :320])
    # nobody, and a failed placement (NaN), still give a picture
    nan = _person(10, 3000)
    nan.keypoints_3d_camera = np.full((NUM_JOINTS, 3), np.nan)
    assert render_frame(img, [nan], SceneView()).shape == (256, 410 + 256, 3)
    assert render_frame(img, [], SceneView()).shape == (256, 410 + 256, 3)
