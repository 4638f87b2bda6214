"""The compiled soft-argmax against its pure-PyTorch reference, on CPU."""
import pytest
import torch

from wildpose.ops import soft_argmax, soft_argmax_reference
from wildpose.ops.functions import SoftArgmaxFunction

F32 = dict(rtol=1e-4, atol=1e-5)


def _both(heatmaps, beta, weights=(1.0, 1.0)):
    """Forward and backward of the op and of the reference on copies of ``heatmaps``.

    The loss weighs coordinates and confidences by ``weights`` (random projections), so
    both gradients are exercised.
    """
    results = []
    gen = torch.Generator().manual_seed(1)
    b, j = heatmaps.shape[:2]
    proj_c = torch.randn(b, j, 2, generator=gen, dtype=heatmaps.dtype)
    proj_p = torch.randn(b, j, generator=gen, dtype=heatmaps.dtype)
    for fn in (soft_argmax, soft_argmax_reference):
        x = heatmaps.detach().clone().requires_grad_()
        coords, conf = fn(x, beta=beta, return_confidence=True)
        loss = weights[0] * (coords * proj_c).sum() + weights[1] * (conf * proj_p).sum()
        loss.backward()
        results.append((coords.detach(), conf.detach(), x.grad))
    return results


def test_uses_the_compiled_kernel(library):
    x = torch.randn(2, 3, 5, 7, requires_grad=True)
    coords = soft_argmax(x)
    assert coords.grad_fn is not None
    assert type(coords.grad_fn).__name__.startswith(SoftArgmaxFunction.__name__)


@pytest.mark.parametrize('beta', [1.0, 0.3, 20.0])
@pytest.mark.parametrize('shape', [(4, 16, 64, 64), (3, 5, 7, 9), (1, 1, 1, 1), (2, 3, 1, 17)])
def test_forward_and_backward_match_the_reference_float32(library, shape, beta):
    heatmaps = torch.randn(*shape, generator=torch.Generator().manual_seed(0))
    (c1, p1, g1), (c2, p2, g2) = _both(heatmaps, beta)
    assert c1.shape == (shape[0], shape[1], 2) and p1.shape == shape[:2]
    torch.testing.assert_close(c1, c2, rtol=1e-4, atol=2e-4 * max(shape[2:]))
    torch.testing.assert_close(p1, p2, **F32)
    torch.testing.assert_close(g1, g2, rtol=1e-3, atol=1e-5 * max(shape[2:]))


def test_float64_is_exact(library):
    heatmaps = torch.randn(3, 4, 11, 13, dtype=torch.float64)
    (c1, p1, g1), (c2, p2, g2) = _both(heatmaps, 2.0)
    assert c1.dtype == torch.float64
    torch.testing.assert_close(c1, c2, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(p1, p2, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(g1, g2, rtol=1e-10, atol=1e-12)


def test_gradcheck_float64(library):
    x = torch.randn(2, 3, 4, 5, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda h: soft_argmax(h, 1.7, True), (x,))
    assert torch.autograd.gradcheck(lambda h: soft_argmax(h, 0.5), (x,))


def test_peaked_heatmap_decodes_to_its_peak(library):
    heatmaps = torch.full((1, 2, 8, 10), -50.0)
    heatmaps[0, 0, 3, 7] = 50.0   # row 3, column 7 -> (x, y) = (7, 3)
    heatmaps[0, 1, 6, 1] = 50.0
    coords, conf = soft_argmax(heatmaps, return_confidence=True)
    torch.testing.assert_close(coords, torch.tensor([[[7.0, 3.0], [1.0, 6.0]]]))
    torch.testing.assert_close(conf, torch.ones(1, 2))


@pytest.mark.parametrize('make', [
    lambda x: x.permute(0, 1, 3, 2),             # transposed cells
    lambda x: x[:, ::2],                         # strided joints
    lambda x: x[..., 1:-1, 2:],                  # cropped
    lambda x: x.transpose(0, 1),                 # batch and joints swapped
])
def test_non_contiguous_inputs(library, make):
    base = torch.randn(4, 6, 12, 10)
    heatmaps = make(base)
    assert not heatmaps.is_contiguous()
    (c1, p1, g1), (c2, p2, g2) = _both(heatmaps, 1.3)
    torch.testing.assert_close(c1, c2, rtol=1e-4, atol=3e-4)
    torch.testing.assert_close(p1, p2, **F32)
    torch.testing.assert_close(g1, g2, rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize('scale,beta', [(1e4, 10.0), (1e30, 1.0), (-1e30, 1.0), (80.0, 1.0)])
def test_extreme_values_do_not_overflow(library, scale, beta):
    heatmaps = torch.randn(2, 3, 9, 9, generator=torch.Generator().manual_seed(3)) * scale
    (c1, p1, g1), (c2, p2, g2) = _both(heatmaps, beta)
    for t in (c1, p1, g1):
        assert torch.isfinite(t).all()
    torch.testing.assert_close(c1, c2, rtol=1e-4, atol=1e-3)
    torch.testing.assert_close(p1, p2, **F32)
    torch.testing.assert_close(g1, g2, rtol=1e-3, atol=1e-4)


def test_minus_infinity_cells_get_no_mass(library):
    heatmaps = torch.randn(2, 2, 6, 6)
    heatmaps[..., :, :3] = float('-inf')   # left half impossible
    (c1, p1, g1), (c2, p2, g2) = _both(heatmaps, 1.0)
    assert (c1[..., 0] >= 3.0).all()
    assert (g1[..., :, :3] == 0).all() and torch.isfinite(g1).all()
    torch.testing.assert_close(c1, c2, rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(g1, g2, rtol=1e-3, atol=1e-5)


def test_ties_share_the_confidence_gradient_like_amax(library):
    heatmaps = torch.zeros(1, 2, 4, 5)   # every cell is a maximum
    heatmaps[0, 1, 1, 1] = heatmaps[0, 1, 2, 3] = 2.0   # two tied maxima
    (c1, p1, g1), (c2, p2, g2) = _both(heatmaps, 1.0, weights=(0.0, 1.0))
    torch.testing.assert_close(p1, p2, **F32)
    torch.testing.assert_close(g1, g2, rtol=1e-4, atol=1e-6)
    assert g1.abs().sum() > 0


def test_only_coordinates_or_only_confidence_used(library):
    x = torch.randn(2, 3, 5, 6, requires_grad=True)
    xr = x.detach().clone().requires_grad_()
    soft_argmax(x, 1.0, True)[1].sum().backward()   # coordinates unused
    soft_argmax_reference(xr, 1.0, True)[1].sum().backward()
    torch.testing.assert_close(x.grad, xr.grad, rtol=1e-4, atol=1e-6)
    x.grad = xr.grad = None
    soft_argmax(x, 1.0, True)[0].sum().backward()   # confidence unused
    soft_argmax_reference(xr, 1.0, True)[0].sum().backward()
    torch.testing.assert_close(x.grad, xr.grad, rtol=1e-4, atol=1e-5)


def test_half_precision_is_computed_in_float32(library):
    heatmaps = torch.randn(2, 3, 8, 8)
    coords, conf = soft_argmax(heatmaps.to(torch.bfloat16), 1.0, True)
    assert coords.dtype == conf.dtype == torch.bfloat16
    ref = soft_argmax_reference(heatmaps.to(torch.bfloat16).float(), 1.0)
    torch.testing.assert_close(coords.float(), ref, rtol=1e-2, atol=5e-2)


def test_tensor_beta_runs_the_differentiable_reference(library):
    beta = torch.tensor(2.0, requires_grad=True)
    coords = soft_argmax(torch.randn(1, 2, 4, 4), beta=beta)
    coords.sum().backward()
    assert beta.grad is not None


def test_empty_batch(library):
    coords, conf = soft_argmax(torch.zeros(0, 16, 8, 8), return_confidence=True)
    assert coords.shape == (0, 16, 2) and conf.shape == (0, 16)


def test_bad_shape_is_a_clear_error(library):
    with pytest.raises(ValueError, match='heatmaps must be'):
        soft_argmax(torch.zeros(16, 8, 8))


def test_traces_under_torch_compile(library):
    """The ops have shape-only (fake) versions, so a whole graph compiles through them."""
    x = torch.randn(2, 3, 8, 8, requires_grad=True)

    def f(h):
        coords, conf = soft_argmax(h, 2.0, True)
        return coords.sum() + conf.sum()

    compiled = torch.compile(f, backend='aot_eager', fullgraph=True)
    compiled(x).backward()
    grad = x.grad.clone()
    x.grad = None
    f(x).backward()
    torch.testing.assert_close(grad, x.grad)
