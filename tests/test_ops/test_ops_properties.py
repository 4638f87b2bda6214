"""Property-based tests (hypothesis) of the ops: random skeletons and heatmaps, with
degenerate cases (zero-length bones, nothing visible, all 3D, NaN, infinities, values that
overflow float32). The compiled backend equals the reference everywhere: NaN exactly where
the reference has NaN, in values and gradients, and close values elsewhere.

Hypothesis draws the sizes, scales, dtypes and where the special values go; the bulk of
each tensor comes from a seeded generator, which keeps each example cheap.
"""
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wildpose.ops import (bone_ratio_loss, bone_ratio_loss_reference, soft_argmax,
                          soft_argmax_reference)
from wildpose.structures.skeleton import NUM_JOINTS


def assert_same_values(mine, ref, rtol, atol):
    """Equal NaN masks, equal infinities, close finite values."""
    for a, b in zip(mine, ref):
        assert torch.equal(torch.isnan(a), torch.isnan(b)), (a, b)
        torch.testing.assert_close(a, b, rtol=rtol, atol=atol, equal_nan=True)


SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
SPECIALS = (float('nan'), float('inf'), -float('inf'))
DTYPES = st.sampled_from([torch.float32, torch.float64])


@st.composite
def skeleton_batches(draw):
    """(xy, z, visible, has_3d) with degenerate cases mixed in."""
    dtype = draw(DTYPES)
    batch = draw(st.integers(0, 6))
    gen = torch.Generator().manual_seed(draw(st.integers(0, 2 ** 31 - 1)))
    scale = draw(st.sampled_from([0.0, 1e-7, 1.0, 100.0, 1e18, 1e19, 1e20, 1e30]))
    xy = torch.randn(batch, NUM_JOINTS, 2, generator=gen, dtype=dtype) * scale
    z = torch.randn(batch, NUM_JOINTS, generator=gen, dtype=dtype) * scale
    p_visible = draw(st.sampled_from([0.0, 0.3, 1.0]))
    visible = (torch.rand(batch, NUM_JOINTS, generator=gen) < p_visible).to(dtype)
    has_3d = torch.rand(batch, generator=gen) < draw(st.sampled_from([0.0, 0.5, 1.0]))
    if batch:
        for _ in range(draw(st.integers(0, 2))):      # a joint copied: zero-length bones
            b, src, dst = (draw(st.integers(0, n - 1)) for n in (batch, NUM_JOINTS, NUM_JOINTS))
            xy[b, dst], z[b, dst] = xy[b, src], z[b, src]
        for _ in range(draw(st.integers(0, 2))):      # NaN or an infinity somewhere
            target = draw(st.sampled_from(['xy', 'z']))
            b, j = draw(st.integers(0, batch - 1)), draw(st.integers(0, NUM_JOINTS - 1))
            value = draw(st.sampled_from(SPECIALS))
            if target == 'xy':
                xy[b, j, draw(st.integers(0, 1))] = value
            else:
                z[b, j] = value
    return xy, z, visible, has_3d


def _loss_outputs(fn, xy, z, visible, has_3d):
    a = xy.clone().requires_grad_()
    b = z.clone().requires_grad_()
    loss = fn(a, b, visible, has_3d)
    loss.backward()
    return loss.detach(), a.grad, b.grad


def _tolerance(dtype):
    return dict(rtol=1e-4, atol=1e-5) if dtype == torch.float32 else dict(rtol=1e-9, atol=1e-12)


@SETTINGS
@given(skeleton_batches())
def test_bone_ratio_backends_agree(library, batch):
    mine = _loss_outputs(bone_ratio_loss, *batch)
    ref = _loss_outputs(bone_ratio_loss_reference, *batch)
    finite = torch.isfinite(ref[0])
    scale = ref[0].abs().item() if finite else 1.0
    tol = _tolerance(batch[1].dtype)
    # absolute tolerances follow the loss's magnitude (the kernels sum in double)
    assert_same_values(mine[:1], ref[:1], rtol=tol['rtol'], atol=tol['atol'] * max(scale, 1.0))
    grad_scale = max(max((g[torch.isfinite(g)].abs().max().item() if torch.isfinite(g).any()
                          else 0.0) for g in ref[1:]), 1.0)
    assert_same_values(mine[1:], ref[1:], rtol=tol['rtol'], atol=tol['atol'] * grad_scale)
    if finite:
        assert ref[0] >= 0


@SETTINGS
@given(skeleton_batches(), st.sampled_from([-3.0, 0.5, 7.0]))
def test_bone_ratio_is_translation_invariant_and_quadratic_in_scale(library, batch, k):
    xy, z, visible, has_3d = batch
    finite = torch.isfinite(xy).all() and torch.isfinite(z).all()
    if not finite or (xy.numel() and xy.abs().max() > 1e6):
        return
    xy, z = xy.double(), z.double()
    loss = bone_ratio_loss(xy, z, visible, has_3d)
    moved = bone_ratio_loss(xy + torch.tensor([3.0, -2.0], dtype=xy.dtype), z + 5.0,
                            visible, has_3d)
    scaled = bone_ratio_loss(k * xy, k * z, visible, has_3d)
    torch.testing.assert_close(moved, loss, rtol=1e-9, atol=1e-9)
    torch.testing.assert_close(scaled, k * k * loss, rtol=1e-9, atol=1e-9)


@st.composite
def heatmap_batches(draw):
    dtype = draw(DTYPES)
    shape = (draw(st.integers(0, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 9)),
             draw(st.integers(1, 9)))
    gen = torch.Generator().manual_seed(draw(st.integers(0, 2 ** 31 - 1)))
    scale = draw(st.sampled_from([0.0, 1e-3, 1.0, 30.0, 1e4, 1e30, 1e38]))
    heatmaps = torch.randn(shape, generator=gen, dtype=dtype) * scale
    if heatmaps.numel():
        for _ in range(draw(st.integers(0, 2))):
            index = tuple(draw(st.integers(0, n - 1)) for n in shape)
            heatmaps[index] = draw(st.sampled_from(SPECIALS))
    beta = draw(st.sampled_from([0.0, 1.0, -1.0, 0.25, 10.0, 1e3]))
    return heatmaps, beta


def _decode(fn, heatmaps, beta, proj):
    x = heatmaps.clone().requires_grad_()
    coords, conf = fn(x, beta, True)
    ((coords * proj[..., :2]).sum() + (conf * proj[..., 2]).sum()).backward()
    return coords.detach(), conf.detach(), x.grad


@SETTINGS
@given(heatmap_batches())
def test_soft_argmax_backends_agree_and_stay_on_the_map(library, case):
    heatmaps, beta = case
    b, j, h, w = heatmaps.shape
    proj = torch.randn(b, j, 3, generator=torch.Generator().manual_seed(0), dtype=heatmaps.dtype)
    mine = _decode(soft_argmax, heatmaps, beta, proj)
    ref = _decode(soft_argmax_reference, heatmaps, beta, proj)
    tol = _tolerance(heatmaps.dtype)
    assert_same_values(mine[:2], ref[:2], rtol=tol['rtol'], atol=tol['atol'] * max(h, w))
    # the gradient is beta p (...): relative to its largest entry
    grad_scale = max(abs(beta) * max(h, w), 1.0)
    assert_same_values(mine[2:], ref[2:], rtol=1e-3, atol=tol['atol'] * 10 * grad_scale)
    coords, conf = mine[:2]
    ok = torch.isfinite(coords).all(-1)
    assert (coords[ok][:, 0] >= -1e-4).all() and (coords[ok][:, 0] <= w - 1 + 1e-4).all()
    assert (coords[ok][:, 1] >= -1e-4).all() and (coords[ok][:, 1] <= h - 1 + 1e-4).all()
    assert ((conf[ok] > 0) & (conf[ok] <= 1 + 1e-6)).all()


@pytest.mark.parametrize('beta', [1.0, -2.0])
def test_soft_argmax_of_a_single_cell_is_its_position(library, beta):
    coords, conf = soft_argmax(torch.randn(2, 3, 1, 1), beta, True)
    assert (coords == 0).all() and (conf == 1).all()
