"""Property-based tests (hypothesis) of the losses: the value of their formula, finite
where the formula is finite, NaN where it is NaN, and the compiled and reference ops equal
inside GeometricConstraintLoss."""
import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from wildpose.models.losses.depth_loss import DepthL2Loss
from wildpose.models.losses.geometric_loss import GeometricConstraintLoss
from wildpose.models.losses.heatmap_loss import KeypointMSELoss
from wildpose.ops import _loader
from wildpose.structures.skeleton import NUM_JOINTS

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True)


@st.composite
def arrays(draw, shape_prefix):
    gen = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    batch = draw(st.integers(0, 4))
    shape = (batch, *shape_prefix)
    scale = draw(st.sampled_from([0.0, 1.0, 1e3, 1e20]))
    pred = gen.normal(size=shape) * scale
    target = gen.normal(size=shape)
    weight = (gen.random(shape[:2]) < draw(st.sampled_from([0.0, 0.5, 1.0]))).astype(float)
    if batch and draw(st.booleans()):
        index = tuple(draw(st.integers(0, n - 1)) for n in shape)
        pred[index] = draw(st.sampled_from([np.nan, np.inf]))
    return pred, target, weight


def _same(value: torch.Tensor, expected: float):
    if np.isnan(expected):
        assert torch.isnan(value)
    else:
        np.testing.assert_allclose(value.item(), expected, rtol=1e-5, atol=1e-6)


@SETTINGS
@given(arrays((NUM_JOINTS,)))
def test_depth_loss_is_its_formula(case):
    pred, target, weight = case
    with np.errstate(all='ignore'):
        expected = 0.1 * (weight * (pred - target) ** 2).sum() / max(weight.sum(), 1.0)
    value = DepthL2Loss(0.1)(*(torch.as_tensor(a, dtype=torch.float64) for a in case))
    _same(value, expected)
    if np.isfinite(expected):
        assert value >= 0


@SETTINGS
@given(arrays((3, 4, 5)))
def test_heatmap_loss_is_its_formula(case):
    pred, target, weight = case
    with np.errstate(all='ignore'):
        expected = (weight[:, :, None, None] * (pred - target) ** 2).mean() if pred.size \
            else np.nan
    value = KeypointMSELoss()(*(torch.as_tensor(a, dtype=torch.float64) for a in case))
    _same(value, expected)


@SETTINGS
@given(arrays((NUM_JOINTS, 2)), st.sampled_from([torch.float32, torch.float64]))
def test_geometric_loss_is_the_same_with_either_backend(case, dtype):
    xy_np, _, visible_np = case
    gen = torch.Generator().manual_seed(0)
    xy = torch.as_tensor(xy_np, dtype=dtype)
    z = torch.randn(xy.shape[:2], generator=gen, dtype=dtype)
    visible = torch.as_tensor(visible_np, dtype=dtype)
    has_3d = torch.arange(xy.shape[0]) % 2 == 1
    loss = GeometricConstraintLoss(0.01)
    compiled = loss(xy, z, visible, has_3d)
    import os
    old = os.environ.get(_loader.ENV_MODE)
    os.environ[_loader.ENV_MODE] = 'reference'
    try:
        reference = loss(xy, z, visible, has_3d)
    finally:
        if old is None:
            del os.environ[_loader.ENV_MODE]
        else:
            os.environ[_loader.ENV_MODE] = old
    assert torch.isnan(compiled) == torch.isnan(reference)
    torch.testing.assert_close(compiled, reference, rtol=1e-4, atol=1e-6, equal_nan=True)
