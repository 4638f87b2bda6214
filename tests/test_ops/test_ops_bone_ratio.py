"""The compiled bone-ratio (geometric constraint) loss against its reference, on CPU."""
import pytest
import torch

from wildpose.ops import bone_ratio_loss, bone_ratio_loss_reference
from wildpose.ops.functions import BoneRatioLossFunction, bone_tables
from wildpose.structures.skeleton import BONE_GROUPS, NUM_JOINTS, BoneGroup


def _batch(b=8, dtype=torch.float32, seed=0, p_visible=0.8):
    gen = torch.Generator().manual_seed(seed)
    xy = torch.randn(b, NUM_JOINTS, 2, generator=gen, dtype=dtype)
    z = torch.randn(b, NUM_JOINTS, generator=gen, dtype=dtype)
    visible = (torch.rand(b, NUM_JOINTS, generator=gen) < p_visible).to(dtype)
    has_3d = torch.rand(b, generator=gen) < 0.5
    has_3d[:1] = False
    return xy, z, visible, has_3d


def _both(xy, z, visible, has_3d, groups=BONE_GROUPS):
    """(loss, grad_xy, grad_z) of the op and of the reference."""
    out = []
    for fn in (bone_ratio_loss, bone_ratio_loss_reference):
        a = xy.detach().clone().requires_grad_()
        b = z.detach().clone().requires_grad_()
        loss = fn(a, b, visible, has_3d, groups)
        (loss * 3.0).backward()
        out.append((loss.detach(), a.grad, b.grad))
    return out


def _assert_close(one, other, rtol=1e-4, atol=1e-6):
    for x, y in zip(one, other):
        torch.testing.assert_close(x, y, rtol=rtol, atol=atol)


def test_uses_the_compiled_kernel(library):
    xy, z, visible, has_3d = _batch()
    loss = bone_ratio_loss(xy, z.requires_grad_(), visible, has_3d)
    assert type(loss.grad_fn).__name__.startswith(BoneRatioLossFunction.__name__)


@pytest.mark.parametrize('batch', [1, 8, 64, 257])
def test_forward_and_backward_match_the_reference_float32(library, batch):
    xy, z, visible, has_3d = _batch(batch, seed=batch)
    mine, ref = _both(xy, z, visible, has_3d)
    assert mine[0].dim() == 0 and mine[0].dtype == torch.float32 and mine[0] > 0
    _assert_close(mine, ref)


def test_float64_and_gradcheck(library):
    xy, z, visible, has_3d = _batch(6, torch.float64, seed=4)
    mine, ref = _both(xy, z, visible, has_3d)
    _assert_close(mine, ref, rtol=1e-12, atol=1e-14)
    xy.requires_grad_()
    z.requires_grad_()
    assert torch.autograd.gradcheck(lambda a, b: bone_ratio_loss(a, b, visible, has_3d),
                                    (xy, z))


def test_non_contiguous_inputs(library):
    xy, z, visible, has_3d = _batch(12, seed=5)
    xy_t = xy.transpose(1, 2).contiguous().transpose(1, 2)   # (B, J, 2) column-major
    z_t = z.t().contiguous().t()
    vis_s = torch.stack([visible, visible], -1)[..., 0]       # strided
    has_s = torch.stack([has_3d, has_3d], 0)[1]
    assert not (xy_t.is_contiguous() or z_t.is_contiguous() or vis_s.is_contiguous())
    mine, _ = _both(xy_t, z_t, vis_s, has_s)
    ref, _ = _both(xy, z, visible, has_3d)
    _assert_close(mine, ref)
    sub = _both(xy[::2], z[::2], visible[::2], has_3d[::2])   # a strided batch
    _assert_close(sub[0], sub[1])


def test_all_3d_batch_gives_zero_loss_and_gradient(library):
    xy, z, visible, _ = _batch(5)
    has_3d = torch.ones(5, dtype=torch.bool)
    (loss, gxy, gz), _ = _both(xy, z, visible, has_3d)
    assert loss.item() == 0.0
    assert (gxy == 0).all() and (gz == 0).all()


def test_invisible_joints_and_groups_with_one_or_no_visible_bone(library):
    xy, z, visible, has_3d = _batch(4, seed=7)
    has_3d[:] = False
    visible[:] = 1.0
    visible[0, [10, 11, 12, 13, 14, 15]] = 0.0   # sample 0: no visible arm bone
    visible[1, [0, 4]] = 0.0                     # sample 1: one visible leg bone (1, 2)
    visible[1, [6]] = 0.0                        # ... and no hip bone
    visible[2] = 0.0                             # sample 2: nothing visible
    mine, ref = _both(xy, z, visible, has_3d)
    _assert_close(mine, ref)
    # an invisible joint gets no gradient, and sample 2 none at all
    gxy, gz = mine[1], mine[2]
    assert (gz[0, 10:] == 0).all() and (gxy[2] == 0).all() and (gz[2] == 0).all()
    # sample 3 alone, with everything visible, still contributes
    assert gz[3].abs().sum() > 0


def test_zero_length_bones_give_no_nan(library):
    xy, z, visible, has_3d = _batch(3, seed=8)
    has_3d[:] = False
    visible[:] = 1.0
    xy[0, 1] = xy[0, 0]
    z[0, 1] = z[0, 0]            # bone (0, 1) has length 0
    xy[1] = 0.0
    z[1] = 0.0                   # every bone of sample 1 has length 0
    mine, ref = _both(xy, z, visible, has_3d)
    for t in mine:
        assert torch.isfinite(t).all()
    _assert_close(mine, ref)
    assert (mine[1][1] == 0).all() and (mine[2][1] == 0).all()


def test_the_loss_is_zero_when_weighted_lengths_are_equal(library):
    groups = (BoneGroup('one', ((0, 1), (2, 3)), (1.0, 0.5)),)
    xy = torch.tensor([[[0.0, 0.0], [3.0, 4.0], [1.0, 1.0], [1.0, 11.0]]])
    z = torch.zeros(1, 4, requires_grad=True)
    loss = bone_ratio_loss(xy, z, torch.ones(1, 4), torch.zeros(1, dtype=torch.bool), groups)
    assert loss.item() == pytest.approx(0.0, abs=1e-6)   # 5 * 1.0 == 10 * 0.5
    loss.backward()
    assert z.grad.abs().max() < 1e-6


def test_custom_groups_and_hand_computed_value(library):
    groups = (BoneGroup('a', ((0, 1), (1, 2), (2, 3)), (1.0, 2.0, 1.0)),
              BoneGroup('b', ((3, 0),), (1.0,)))   # a one-bone group adds 0
    xy = torch.tensor([[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [1.0, 4.0]]])
    z = torch.zeros(1, 4, requires_grad=True)
    loss = bone_ratio_loss(xy, z, torch.ones(1, 4), torch.zeros(1, dtype=torch.bool), groups)
    lengths = torch.tensor([1.0, 2.0, 3.0])                    # weighted: 1, 2 * 1, 3
    expected = ((lengths - lengths.mean()) ** 2).sum() / (2 * 3)
    assert loss.item() == pytest.approx(expected.item(), rel=1e-6)
    _assert_close(*_both(xy, z, torch.ones(1, 4), torch.zeros(1, dtype=torch.bool), groups))


def test_dtype_mix_and_half_depths(library):
    xy, z, visible, has_3d = _batch(4, seed=9)
    loss64 = bone_ratio_loss(xy.double(), z, visible.bool(), has_3d)
    assert loss64.dtype == torch.float32
    ref = bone_ratio_loss_reference(xy, z, visible, has_3d)
    torch.testing.assert_close(loss64, ref)
    half = bone_ratio_loss(xy, z.to(torch.bfloat16), visible, has_3d)
    torch.testing.assert_close(half, ref, rtol=2e-2, atol=1e-2)


def test_empty_batch(library):
    xy, z, visible, has_3d = _batch(0)
    z.requires_grad_()
    loss = bone_ratio_loss(xy, z, visible, has_3d)
    loss.backward()
    assert loss.item() == 0.0 and z.grad.shape == (0, NUM_JOINTS)


def test_bone_tables_are_cached_and_checked(library):
    tables, needed = bone_tables(BONE_GROUPS, torch.device('cpu'))
    again, _ = bone_tables(BONE_GROUPS, torch.device('cpu'))
    assert again[0] is tables[0] and needed == NUM_JOINTS
    assert tables[3].tolist() == sorted(tables[3].tolist())
    bad = (BoneGroup('x', ((0, 20),), (1.0,)),)
    xy, z, visible, has_3d = _batch(2)
    with pytest.raises(ValueError, match='joint 20'):
        bone_ratio_loss(xy, z, visible, has_3d, bad)
    with pytest.raises(ValueError, match='2 bones but 1 weights'):
        bone_ratio_loss(xy, z, visible, has_3d, (BoneGroup('y', ((0, 1), (1, 2)), (1.0,)),))


def test_bad_shapes_are_clear_errors(library):
    xy, z, visible, has_3d = _batch(3)
    with pytest.raises(ValueError, match='xy must be'):
        bone_ratio_loss(xy[..., 0], z, visible, has_3d)
    with pytest.raises(ValueError, match='has_3d must be'):
        bone_ratio_loss(xy, z, visible, has_3d[:2])
    with pytest.raises(ValueError, match='visible'):
        bone_ratio_loss(xy, z, visible[:, :3], has_3d)
