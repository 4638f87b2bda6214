"""Property-based tests (hypothesis) of the geometry over random skeletons and degenerate
cases: finite outputs for finite inputs, errors instead of NaN, inverse maps that invert."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from wildpose.geometry.affine import get_warp_matrix, transform_points
from wildpose.geometry.depth import depth_scale, root_relative_depth
from wildpose.geometry.heatmap import decode_argmax, generate_gaussian_heatmaps
from wildpose.geometry.metric_pose import bone_length_sum, pose_to_metric
from wildpose.structures.skeleton import H36M_BONE_LENGTH_SUM_MM, NUM_JOINTS, ROOT

SETTINGS = settings(max_examples=50, deadline=None, derandomize=True)
SEEDS = st.integers(0, 2 ** 32 - 1)


@SETTINGS
@given(SEEDS, st.sampled_from([0.0, 1e-12, 1.0, 300.0, 1e12]), st.booleans())
def test_pose_to_metric_has_the_reference_size_or_stays_at_the_origin(seed, scale, midpoint):
    pose = torch.as_tensor(np.random.default_rng(seed).normal(size=(3, NUM_JOINTS, 3)) * scale)
    out = pose_to_metric(pose, thorax_midpoint=midpoint)
    assert torch.isfinite(out).all() and (out[:, ROOT] == 0).all()
    total = bone_length_sum(out)
    for b in range(3):
        if bone_length_sum(pose)[b] * 1.0 > 1e-6 and not midpoint:
            assert total[b].item() == pytest.approx(H36M_BONE_LENGTH_SUM_MM, rel=1e-9)
        elif scale == 0.0:
            assert (out[b] == 0).all()


@SETTINGS
@given(SEEDS, st.sampled_from([0.0, 1e-6, 1.0, 1e4]), st.sampled_from([0.0, 0.3, 1.0]))
def test_depth_scale_is_finite_and_positive_or_a_clear_error(seed, scale, p_visible):
    gen = np.random.default_rng(seed)
    k3d = gen.normal(size=(NUM_JOINTS, 3)) * 300 * scale
    k2d = gen.normal(size=(NUM_JOINTS, 2)) * 50
    visible = (gen.random(NUM_JOINTS) < p_visible).astype(float)
    try:
        s = depth_scale(k2d, k3d, visible=visible)
    except ValueError as err:
        assert 'no x, y extent' in str(err)
        return
    assert np.isfinite(s) and s >= 0
    depth = root_relative_depth(k2d, k3d, visible=visible)
    assert depth[ROOT] == 0 and np.all(np.isfinite(depth))


@SETTINGS
@given(SEEDS, st.floats(-180, 180), st.sampled_from([1e-3, 1.0, 1e4]))
def test_the_inverse_warp_inverts_the_warp(seed, rot, size):
    gen = np.random.default_rng(seed)
    center = gen.uniform(-100, 100, 2)
    scale = gen.uniform(0.5, 2.0, 2) * size
    points = gen.uniform(-200, 200, (10, 2))
    fwd = get_warp_matrix(center, scale, rot, (64, 48))
    back = get_warp_matrix(center, scale, rot, (64, 48), inv=True)
    again = transform_points(transform_points(points, fwd), back)
    np.testing.assert_allclose(again, points, rtol=1e-9, atol=1e-9 * max(1.0, size))
    np.testing.assert_allclose(transform_points(center[None], fwd), [[32.0, 24.0]], atol=1e-9)


@SETTINGS
@given(SEEDS, st.sampled_from([1.0, 2.0]), st.sampled_from([np.nan, np.inf, -50.0, 1e9]))
def test_heatmaps_are_bounded_and_decode_to_their_joints(seed, sigma, odd):
    gen = np.random.default_rng(seed)
    kpts = gen.uniform(3, 12, (4, 2))
    kpts[3] = odd            # not finite, or far off the map: no target
    visible = np.array([1.0, 1.0, 0.0, 1.0])
    heatmaps, weights = generate_gaussian_heatmaps(kpts, visible, (16, 16), sigma)
    assert heatmaps.min() >= 0 and heatmaps.max() <= 1 and np.isfinite(heatmaps).all()
    assert weights.tolist()[:3] == [1.0, 1.0, 0.0] and (heatmaps[2] == 0).all()
    assert weights[3] == 0 and (heatmaps[3] == 0).all()
    coords, _ = decode_argmax(heatmaps[:2])
    assert np.abs(coords - kpts[:2]).max() <= 0.5 + 1e-6
