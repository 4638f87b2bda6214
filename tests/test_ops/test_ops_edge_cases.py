"""Both backends of each op agree on bad and degenerate input (CPU; CUDA in test_ops_cuda).

Wrong shapes, devices and dtypes raise the same exception with the same message, before
any data is read; NaN, infinities and float32 overflow give the reference's values,
NaN exactly where the reference has NaN, in the outputs and in the gradients.
"""
import pytest
import torch

from wildpose.ops import (bone_ratio_loss, bone_ratio_loss_reference, soft_argmax,
                          soft_argmax_reference)
from wildpose.structures.skeleton import NUM_JOINTS

NAN, INF = float('nan'), float('inf')


def _batch(b=4, dtype=torch.float32, seed=0):
    gen = torch.Generator().manual_seed(seed)
    xy = torch.randn(b, NUM_JOINTS, 2, generator=gen, dtype=dtype)
    z = torch.randn(b, NUM_JOINTS, generator=gen, dtype=dtype)
    visible = torch.ones(b, NUM_JOINTS, dtype=dtype)
    has_3d = torch.zeros(b, dtype=torch.bool)
    return xy, z, visible, has_3d


def _loss_and_grads(fn, xy, z, visible, has_3d):
    a = xy.detach().clone().requires_grad_()
    b = z.detach().clone().requires_grad_()
    loss = fn(a, b, visible, has_3d)
    loss.backward()
    return loss.detach(), a.grad, b.grad


def assert_same_values(mine, ref, rtol=1e-4, atol=1e-5):
    """Equal NaN masks, equal infinities, close finite values."""
    for a, b in zip(mine, ref):
        assert torch.equal(torch.isnan(a), torch.isnan(b)), (a, b)
        torch.testing.assert_close(a, b, rtol=rtol, atol=atol, equal_nan=True)


def _same_error(call_mine, call_ref):
    errors = []
    for call in (call_mine, call_ref):
        with pytest.raises(Exception) as info:
            call()
        errors.append(info.value)
    assert type(errors[0]) is type(errors[1]) and str(errors[0]) == str(errors[1])
    return errors[0]


# ----------------------------------------------------------------- bone_ratio_loss
@pytest.mark.parametrize('where', ['z visible', 'z invisible', 'z has_3d', 'xy visible',
                                   'xy inf', 'z -inf has_3d'])
def test_bone_ratio_non_finite_inputs_propagate_like_the_reference(library, where):
    xy, z, visible, has_3d = _batch()
    if where == 'z visible':
        z[0, 0] = NAN
    elif where == 'z invisible':
        z[1, 4] = NAN
        visible[1, 4] = 0.0
    elif where == 'z has_3d':
        z[2, 11] = NAN
        has_3d[2] = True
    elif where == 'xy visible':
        xy[3, 13, 1] = NAN
    elif where == 'xy inf':
        xy[0, 2, 0] = INF
    else:
        z[1, 12] = -INF
        has_3d[1] = True
    mine = _loss_and_grads(bone_ratio_loss, xy, z, visible, has_3d)
    ref = _loss_and_grads(bone_ratio_loss_reference, xy, z, visible, has_3d)
    assert torch.isnan(ref[0])
    assert_same_values(mine, ref)


def test_bone_ratio_nan_in_a_joint_of_no_bone_changes_nothing(library):
    xy, z, visible, has_3d = _batch()
    z[0, 9] = NAN            # head_top: in no group
    mine = _loss_and_grads(bone_ratio_loss, xy, z, visible, has_3d)
    ref = _loss_and_grads(bone_ratio_loss_reference, xy, z, visible, has_3d)
    assert torch.isfinite(mine[0])
    assert_same_values(mine, ref)


@pytest.mark.parametrize('scale', [1e18, 1e19, 1e20, 1e30, 3e38])
@pytest.mark.parametrize('has_3d_sample', [False, True])
def test_bone_ratio_float32_overflow_matches_the_reference(library, scale, has_3d_sample):
    xy, z, visible, has_3d = _batch(3, seed=2)
    xy[1] *= scale
    has_3d[1] = has_3d_sample
    mine = _loss_and_grads(bone_ratio_loss, xy, z, visible, has_3d)   # no RuntimeError
    ref = _loss_and_grads(bone_ratio_loss_reference, xy, z, visible, has_3d)
    assert_same_values(mine, ref)


def test_bone_ratio_float64_keeps_large_values_finite(library):
    xy, z, visible, has_3d = _batch(3, torch.float64, seed=2)
    xy[1] *= 1e30
    mine = _loss_and_grads(bone_ratio_loss, xy, z, visible, has_3d)
    ref = _loss_and_grads(bone_ratio_loss_reference, xy, z, visible, has_3d)
    assert torch.isfinite(mine[0])
    assert_same_values(mine, ref, rtol=1e-9)


@pytest.mark.parametrize('which', ['visible', 'has_3d', 'z'])
def test_bone_ratio_input_on_another_device_is_refused(library, which):
    args = dict(zip(('xy', 'z', 'visible', 'has_3d'), _batch()))
    args[which] = args[which].to('meta')
    error = _same_error(lambda: bone_ratio_loss(**args),
                        lambda: bone_ratio_loss_reference(**args))
    assert isinstance(error, ValueError)
    assert f'{which} is on meta' in str(error) and 'xy is on cpu' in str(error)


def test_bone_ratio_raw_op_refuses_a_tensor_on_another_device(library):
    """Called directly, the op's shape-only (meta) version checks devices, as the kernels do,
    instead of returning an uninitialised value."""
    from wildpose.ops.functions import bone_tables
    from wildpose.structures.skeleton import BONE_GROUPS
    xy, z, visible, has_3d = _batch()
    tables, _ = bone_tables(BONE_GROUPS, torch.device('cpu'))
    with pytest.raises(RuntimeError, match='visible is on meta but xy is on cpu'):
        torch.ops.wildpose.bone_ratio_loss_forward(xy, z, visible.to('meta'), has_3d, *tables)


@pytest.mark.parametrize('change', ['xy 2d', 'z shape', 'visible shape', 'has_3d shape',
                                    'has_3d 2d', 'too few joints'])
def test_bone_ratio_wrong_shapes_raise_the_same_error(library, change):
    xy, z, visible, has_3d = _batch()
    if change == 'xy 2d':
        xy = xy[..., 0]
    elif change == 'z shape':
        z = z[:, :5]
    elif change == 'visible shape':
        visible = visible[:2]
    elif change == 'has_3d shape':
        has_3d = has_3d[:2]
    elif change == 'has_3d 2d':
        has_3d = has_3d[:, None]
    else:
        xy, z, visible = xy[:, :8], z[:, :8], visible[:, :8]
    error = _same_error(lambda: bone_ratio_loss(xy, z, visible, has_3d),
                        lambda: bone_ratio_loss_reference(xy, z, visible, has_3d))
    assert isinstance(error, ValueError) and str(error).startswith('bone_ratio_loss: ')


@pytest.mark.parametrize('position', range(4))
def test_bone_ratio_non_tensor_input_is_a_type_error(library, position):
    args = list(_batch())
    args[position] = args[position].tolist()
    error = _same_error(lambda: bone_ratio_loss(*args),
                        lambda: bone_ratio_loss_reference(*args))
    name = ('xy', 'z', 'visible', 'has_3d')[position]
    assert isinstance(error, TypeError) and f'{name} must be a torch.Tensor, got list' in str(error)


@pytest.mark.parametrize('position', [0, 1])
def test_bone_ratio_integer_coordinates_are_a_type_error(library, position):
    args = list(_batch())
    args[position] = args[position].long()
    error = _same_error(lambda: bone_ratio_loss(*args),
                        lambda: bone_ratio_loss_reference(*args))
    assert isinstance(error, TypeError) and 'floating-point' in str(error)


# ----------------------------------------------------------------- soft_argmax
def _decode(fn, heatmaps, beta):
    x = heatmaps.detach().clone().requires_grad_()
    coords, conf = fn(x, beta, True)
    (coords.sum() + conf.sum()).backward()
    return coords.detach(), conf.detach(), x.grad


@pytest.mark.parametrize('shape', [(2, 3, 0, 4), (2, 3, 4, 0), (1, 1, 0, 0)])
def test_soft_argmax_empty_heatmaps_raise_the_same_error(library, shape):
    heatmaps = torch.randn(shape)
    error = _same_error(lambda: soft_argmax(heatmaps), lambda: soft_argmax_reference(heatmaps))
    assert isinstance(error, ValueError) and 'at least one cell' in str(error)


def test_soft_argmax_wrong_shape_non_tensor_and_integer_input(library):
    error = _same_error(lambda: soft_argmax(torch.zeros(3, 4, 4)),
                        lambda: soft_argmax_reference(torch.zeros(3, 4, 4)))
    assert isinstance(error, ValueError)
    error = _same_error(lambda: soft_argmax([[1.0]]), lambda: soft_argmax_reference([[1.0]]))
    assert isinstance(error, TypeError)
    assert 'heatmaps must be a torch.Tensor, got list' in str(error)
    ints = torch.ones(1, 1, 2, 2, dtype=torch.long)
    error = _same_error(lambda: soft_argmax(ints), lambda: soft_argmax_reference(ints))
    assert isinstance(error, TypeError) and 'floating-point' in str(error)


@pytest.mark.parametrize('case', ['nan cell', 'inf cell', 'all -inf', 'overflow beta*h',
                                  'overflow negative', 'beta 0 and inf', 'nan beta'])
def test_soft_argmax_non_finite_and_overflow_match_the_reference(library, case):
    heatmaps = torch.randn(2, 3, 5, 6, generator=torch.Generator().manual_seed(3))
    beta = 1.0
    if case == 'nan cell':
        heatmaps[0, 1, 2, 3] = NAN
    elif case == 'inf cell':
        heatmaps[1, 0, 0, 0] = INF
    elif case == 'all -inf':
        heatmaps[1, 2] = -INF
    elif case == 'overflow beta*h':      # beta * h overflows float32 in the reference
        heatmaps[0, 0, 1, 1] = 3e38
        beta = 10.0
    elif case == 'overflow negative':    # every beta * h is -inf in the reference
        heatmaps[1, 1] = -3e38
        beta = 10.0
    elif case == 'beta 0 and inf':
        heatmaps[0, 2, 4, 5] = INF
        beta = 0.0
    else:
        beta = NAN
    mine = _decode(soft_argmax, heatmaps, beta)
    ref = _decode(soft_argmax_reference, heatmaps, beta)
    assert not torch.isfinite(ref[0]).all()
    assert_same_values(mine, ref)
