import numpy as np
import pytest
import torch

from wildpose.geometry.depth import (denormalise_depth, depth_scale, normalise_depth,
                                     root_relative_depth)
from wildpose.structures.skeleton import BONES, NUM_JOINTS, ROOT


def _skeleton_mm(seed=0):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-400, 400, (NUM_JOINTS, 2))
    z = 5000 + rng.uniform(-300, 300, NUM_JOINTS)
    return np.concatenate([xy, z[:, None]], axis=1)


def test_depth_scale_recovers_a_parallel_projection_scale():
    p3 = _skeleton_mm()
    s_true, offset = 0.037, np.array([120.0, 85.0])
    p2 = p3[:, :2] * s_true + offset  # weak perspective: px = s * X + t
    assert depth_scale(p2, p3) == pytest.approx(s_true, rel=1e-9)
    z = root_relative_depth(p2, p3)
    np.testing.assert_allclose(z, (p3[:, 2] - p3[ROOT, 2]) * s_true, rtol=1e-5, atol=1e-4)
    assert z[ROOT] == 0 and z.dtype == np.float32


def test_depth_scale_ignores_bones_of_invisible_joints():
    p3 = _skeleton_mm(1)
    p2 = p3[:, :2] * 0.05
    p2[0] += 1000.0  # a wrong label on an invisible joint
    vis = np.ones(NUM_JOINTS)
    vis[0] = 0
    assert depth_scale(p2, p3, BONES, vis) == pytest.approx(0.05, rel=1e-9)
    assert depth_scale(p2, p3) != pytest.approx(0.05, rel=1e-3)


def test_depth_scale_errors():
    p3 = np.zeros((NUM_JOINTS, 3))
    with pytest.raises(ValueError, match='extent'):
        depth_scale(np.zeros((NUM_JOINTS, 2)), p3)
    with pytest.raises(ValueError, match='kpts3d'):
        depth_scale(np.zeros((NUM_JOINTS, 2)), np.zeros((NUM_JOINTS, 2)))


def test_normalise_denormalise_are_inverse_numpy_and_torch():
    z = np.array([-16.0, 0.0, 8.0, 3.5])
    d = normalise_depth(z, 32)
    np.testing.assert_allclose(d, [-1.0, 0.0, 0.5, 3.5 / 16])
    np.testing.assert_allclose(denormalise_depth(d, 32), z)
    t = torch.randn(2, 16)
    out = denormalise_depth(t, 64)
    assert isinstance(out, torch.Tensor) and out.shape == (2, 16)
    torch.testing.assert_close(normalise_depth(out, 64), t)
