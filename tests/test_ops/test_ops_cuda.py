"""The CUDA kernels against the references (skipped without a GPU and a CUDA build)."""
import pytest
import torch

from wildpose.ops import (bone_ratio_loss, bone_ratio_loss_reference, soft_argmax,
                          soft_argmax_reference)
from wildpose.ops.functions import BoneRatioLossFunction, SoftArgmaxFunction
from wildpose.structures.skeleton import BONE_GROUPS, NUM_JOINTS

pytestmark = pytest.mark.cuda


def _soft_argmax_both(heatmaps, beta):
    out = []
    gen = torch.Generator().manual_seed(0)
    proj = torch.randn(*heatmaps.shape[:2], 3, generator=gen, dtype=heatmaps.dtype)
    for fn, device in ((soft_argmax, 'cuda'), (soft_argmax_reference, 'cpu')):
        x = heatmaps.detach().to(device).requires_grad_()
        coords, conf = fn(x, beta, True)
        p = proj.to(device)
        ((coords * p[..., :2]).sum() + (conf * p[..., 2]).sum()).backward()
        out.append([coords.detach().cpu(), conf.detach().cpu(), x.grad.cpu()])
    return out


@pytest.mark.parametrize('dtype', [torch.float32, torch.float64])
@pytest.mark.parametrize('shape', [(64, 16, 64, 64), (3, 5, 7, 9), (2, 1, 1, 1), (1, 2, 33, 300)])
def test_soft_argmax_matches_the_reference(cuda_library, shape, dtype):
    heatmaps = torch.randn(*shape, dtype=dtype) * 3
    mine, ref = _soft_argmax_both(heatmaps, 1.5)
    tol = dict(rtol=1e-4, atol=2e-4 * max(shape[2:])) if dtype == torch.float32 else {}
    for a, b in zip(mine, ref):
        torch.testing.assert_close(a, b, **tol)


def test_soft_argmax_uses_the_kernel_and_handles_strides_and_extremes(cuda_library):
    base = torch.randn(4, 6, 12, 10, device='cuda') * 1e4
    x = base.transpose(2, 3)[:, ::2].requires_grad_()
    coords, conf = soft_argmax(x, 10.0, True)
    assert type(coords.grad_fn).__name__.startswith(SoftArgmaxFunction.__name__)
    (coords.sum() + conf.sum()).backward()
    assert torch.isfinite(x.grad).all() and torch.isfinite(coords).all()
    mine, ref = _soft_argmax_both(base.transpose(2, 3)[:, ::2].cpu(), 10.0)
    for a, b in zip(mine, ref):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-3)
    mine, ref = _soft_argmax_both(torch.zeros(1, 2, 4, 5), 1.0)   # all cells tied
    for a, b in zip(mine, ref):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)


def test_soft_argmax_gradcheck_float64(cuda_library):
    x = torch.randn(2, 3, 4, 5, dtype=torch.float64, device='cuda', requires_grad=True)
    assert torch.autograd.gradcheck(lambda h: soft_argmax(h, 1.7, True), (x,))


def _loss_batch(b, dtype=torch.float32, seed=0):
    gen = torch.Generator().manual_seed(seed)
    xy = torch.randn(b, NUM_JOINTS, 2, generator=gen, dtype=dtype)
    z = torch.randn(b, NUM_JOINTS, generator=gen, dtype=dtype)
    visible = (torch.rand(b, NUM_JOINTS, generator=gen) < 0.8).to(dtype)
    has_3d = torch.rand(b, generator=gen) < 0.5
    return xy, z, visible, has_3d


def _loss_both(xy, z, visible, has_3d):
    out = []
    for fn, device in ((bone_ratio_loss, 'cuda'), (bone_ratio_loss_reference, 'cpu')):
        a = xy.detach().to(device).requires_grad_()
        b = z.detach().to(device).requires_grad_()
        loss = fn(a, b, visible.to(device), has_3d.to(device))
        (2.0 * loss).backward()
        out.append([loss.detach().cpu(), a.grad.cpu(), b.grad.cpu()])
    return out


@pytest.mark.parametrize('dtype', [torch.float32, torch.float64])
@pytest.mark.parametrize('batch', [1, 8, 256, 1000])
def test_bone_ratio_loss_matches_the_reference(cuda_library, batch, dtype):
    mine, ref = _loss_both(*_loss_batch(batch, dtype, seed=batch))
    tol = dict(rtol=1e-4, atol=1e-6) if dtype == torch.float32 else {}
    for a, b in zip(mine, ref):
        torch.testing.assert_close(a, b, **tol)


def test_bone_ratio_loss_edge_cases_and_determinism(cuda_library):
    xy, z, visible, has_3d = _loss_batch(6, seed=3)
    xy[0, 1], z[0, 1] = xy[0, 0], z[0, 0]        # a zero-length bone
    visible[1] = 0.0                              # nothing visible
    mine, ref = _loss_both(xy, z, visible, has_3d)
    for a, b in zip(mine, ref):
        assert torch.isfinite(a).all()
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)
    args = [t.cuda() for t in _loss_batch(512, seed=4)]
    first = bone_ratio_loss(*args)
    assert type(bone_ratio_loss(args[0], args[1].requires_grad_(), *args[2:]).grad_fn
                ).__name__.startswith(BoneRatioLossFunction.__name__)
    assert torch.equal(first, bone_ratio_loss(*args))   # fixed summation order
    all_3d = bone_ratio_loss(args[0], args[1], args[2], torch.ones_like(args[3]))
    assert all_3d.item() == 0.0


def test_bone_ratio_loss_gradcheck_float64(cuda_library):
    xy, z, visible, has_3d = (t.cuda() for t in _loss_batch(5, torch.float64, seed=5))
    xy.requires_grad_()
    z.requires_grad_()
    assert torch.autograd.gradcheck(lambda a, b: bone_ratio_loss(a, b, visible, has_3d),
                                    (xy, z))


# ------------------------------------------------ bad and degenerate input (issue 12)
def _same_nan_and_close(mine, ref, rtol=1e-4, atol=1e-5):
    for a, b in zip(mine, ref):
        assert torch.equal(torch.isnan(a), torch.isnan(b)), (a, b)
        torch.testing.assert_close(a, b, rtol=rtol, atol=atol, equal_nan=True)


@pytest.mark.parametrize('where', ['z visible', 'z invisible', 'z has_3d', 'xy inf',
                                   'overflow', 'overflow has_3d', 'head only'])
def test_bone_ratio_loss_non_finite_and_overflow_match_the_reference(cuda_library, where):
    xy, z, visible, has_3d = _loss_batch(6, seed=11)
    has_3d[:] = False
    if where == 'z visible':
        visible[0, 0] = 1.0
        z[0, 0] = float('nan')
    elif where == 'z invisible':
        visible[1, 4] = 0.0
        z[1, 4] = float('nan')
    elif where == 'z has_3d':
        has_3d[2] = True
        z[2, 11] = float('nan')
    elif where == 'xy inf':
        xy[3, 2, 0] = float('inf')
    elif where == 'overflow':
        xy[4] *= 1e20
    elif where == 'overflow has_3d':
        has_3d[4] = True
        xy[4] *= 1e20
    else:
        z[5, 9] = float('nan')   # head_top is in no bone group: the loss stays finite
    mine, ref = _loss_both(xy, z, visible, has_3d)
    assert torch.isfinite(ref[0]) == (where == 'head only')
    _same_nan_and_close(mine, ref)


@pytest.mark.parametrize('which', ['visible', 'has_3d'])
def test_bone_ratio_loss_input_on_another_device_is_refused(cuda_library, which):
    args = dict(zip(('xy', 'z', 'visible', 'has_3d'), (t.cuda() for t in _loss_batch(4))))
    args[which] = args[which].cpu()
    for fn in (bone_ratio_loss, bone_ratio_loss_reference):
        with pytest.raises(ValueError, match=f'{which} is on cpu but xy is on cuda'):
            fn(**args)
    from wildpose.ops.functions import bone_tables
    tables, _ = bone_tables(BONE_GROUPS, torch.device('cuda'))
    with pytest.raises(RuntimeError, match=f'bone_ratio_loss: {which} is on cpu'):
        torch.ops.wildpose.bone_ratio_loss_forward(*args.values(), *tables)   # the raw op


@pytest.mark.parametrize('case', ['nan cell', 'inf cell', 'all -inf', 'overflow', 'beta 0'])
def test_soft_argmax_non_finite_and_overflow_match_the_reference(cuda_library, case):
    heatmaps = torch.randn(2, 3, 5, 6, generator=torch.Generator().manual_seed(3))
    beta = 10.0
    if case == 'nan cell':
        heatmaps[0, 1, 2, 3] = float('nan')
    elif case == 'inf cell':
        heatmaps[1, 0, 0, 0] = float('inf')
    elif case == 'all -inf':
        heatmaps[1, 2] = -float('inf')
    elif case == 'overflow':
        heatmaps[0, 0, 1, 1] = 3e38        # beta * h overflows float32
    else:
        heatmaps[0, 0, 0, :2] = torch.tensor([3e38, -3e38])
        beta = 0.0
    mine, ref = _soft_argmax_both(heatmaps, beta)
    _same_nan_and_close(mine, ref, atol=1e-4)


def test_soft_argmax_empty_heatmaps_and_devices(cuda_library):
    with pytest.raises(ValueError, match='at least one cell'):
        soft_argmax(torch.zeros(2, 3, 0, 4, device='cuda'))
    x = torch.randn(1, 2, 4, 4, device='cuda')
    coords, conf, inv = torch.ops.wildpose.soft_argmax_forward(x, 1.0)
    with pytest.raises(RuntimeError, match='coords is on cpu'):
        torch.ops.wildpose.soft_argmax_backward(torch.ones_like(coords), None, x, coords.cpu(),
                                                conf, inv, 1.0)
