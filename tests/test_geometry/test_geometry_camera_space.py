"""Placing a root-relative skeleton in the camera frame: synthetic cameras, known answers."""
from __future__ import annotations

import math

import numpy as np
import pytest

from wildpose.datasets.synthetic.poses import sample_pose, sample_subject
from wildpose.geometry.camera_space import (DEFAULT_DIAGONAL_FOV_DEG, Intrinsics,
                                            place_in_camera)
from wildpose.structures.skeleton import ROOT


def _scene(seed: int) -> tuple[np.ndarray, Intrinsics, np.ndarray]:
    """A root-relative pose (mm), a random camera and a random root position."""
    rng = np.random.default_rng(seed)
    pose = sample_pose(sample_subject(rng), rng).joints
    rel = pose - pose[ROOT]
    cam = Intrinsics(fx=rng.uniform(300, 2000), fy=rng.uniform(300, 2000),
                     cx=rng.uniform(200, 900), cy=rng.uniform(150, 600))
    t = np.array([rng.uniform(-1500, 1500), rng.uniform(-800, 800), rng.uniform(2500, 9000)])
    return rel, cam, t


@pytest.mark.parametrize('seed', range(6))
def test_exact_data_give_the_exact_translation(seed):
    rel, cam, t = _scene(seed)
    uv = cam.project(rel + t)
    for iterations in (0, 10):  # the linear solution alone is exact on exact data
        placed = place_in_camera(rel, uv, cam, iterations=iterations)
        np.testing.assert_allclose(placed.translation, t, rtol=1e-9, atol=1e-6)
        np.testing.assert_allclose(placed.keypoints_3d, rel + t, atol=1e-6)
        assert placed.reprojection_px < 1e-6


def test_noisy_2d_refinement_lowers_the_pixel_error_and_stays_close():
    errors = []
    for seed in range(10):
        rel, cam, t = _scene(seed)
        rng = np.random.default_rng(100 + seed)
        uv = cam.project(rel + t) + rng.normal(0, 2.0, (len(rel), 2))
        linear = place_in_camera(rel, uv, cam, iterations=0)
        refined = place_in_camera(rel, uv, cam)
        assert refined.reprojection_px <= linear.reprojection_px + 1e-9
        # 2 px of noise on ~16 joints: the translation is right to a few per cent of depth
        assert np.linalg.norm(refined.translation - t) < 0.05 * t[2]
        errors.append(refined.reprojection_px)
    # the best fit to 2 px noise leaves about the noise's RMS (2 * sqrt(2) per joint)
    assert 1.5 < np.mean(errors) < 3.5


def test_weights_ignore_wrong_joints():
    rel, cam, t = _scene(3)
    uv = cam.project(rel + t)
    bad = uv.copy()
    bad[[0, 5, 10]] += 300.0  # three joints far off
    w = np.ones(len(rel))
    w[[0, 5, 10]] = 0.0
    np.testing.assert_allclose(place_in_camera(rel, bad, cam, w).translation, t, atol=1e-6)
    assert np.linalg.norm(place_in_camera(rel, bad, cam).translation - t) > 10.0
    nan_uv = uv.copy()
    nan_uv[4] = np.nan  # a non-finite joint is ignored too
    np.testing.assert_allclose(place_in_camera(rel, nan_uv, cam).translation, t, atol=1e-6)


def test_scale_sets_depth():
    """Twice the skeleton's size, the same image: twice the distance (the bone prior
    fixes the scale, hence the depth)."""
    rel, cam, t = _scene(1)
    uv = cam.project(rel + t)
    bigger = place_in_camera(2.0 * rel, uv, cam)
    np.testing.assert_allclose(bigger.translation, 2.0 * t, rtol=1e-6)


def test_degenerate_inputs_fail_as_nan_and_bad_shapes_raise():
    rel, cam, t = _scene(2)
    uv = cam.project(rel + t)
    w = np.zeros(len(rel))
    w[ROOT] = 1.0
    assert np.all(np.isnan(place_in_camera(rel, uv, cam, w).translation))  # one joint
    # P and -P project alike: the point-mirrored skeleton fits only behind the camera
    behind = place_in_camera(-rel, uv, cam)
    assert np.all(np.isnan(behind.translation)) and np.all(np.isnan(behind.keypoints_3d))
    with pytest.raises(ValueError, match='keypoints_2d'):
        place_in_camera(rel, uv[:5], cam)
    with pytest.raises(ValueError, match='weights'):
        place_in_camera(rel, uv, cam, np.ones(3))


def test_intrinsics_from_fov_and_checks():
    cam = Intrinsics.from_fov(640, 480)
    # diagonal 800 px; f = 400 / tan(fov / 2) = 800 for the default (2 atan(1/2))
    assert math.isclose(cam.fx, 800.0) and cam.fx == cam.fy
    assert (cam.cx, cam.cy) == (319.5, 239.5) and cam.source == 'default_fov'
    assert math.isclose(DEFAULT_DIAGONAL_FOV_DEG, 53.130102, rel_tol=1e-6)
    wide = Intrinsics.from_fov(640, 480, 90.0)
    assert math.isclose(wide.fx, 400.0)
    np.testing.assert_allclose(cam.matrix(), [[800, 0, 319.5], [0, 800, 239.5], [0, 0, 1]])
    # a point on the optical axis lands on the principal point
    np.testing.assert_allclose(cam.project(np.array([0.0, 0.0, 5000.0])), [319.5, 239.5])
    with pytest.raises(ValueError, match='fx'):
        Intrinsics(0.0, 1.0, 0.0, 0.0)
    with pytest.raises(ValueError, match='field of view'):
        Intrinsics.from_fov(10, 10, 180.0)
