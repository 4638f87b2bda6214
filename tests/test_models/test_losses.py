"""Losses: hand-computed values, masking, and the geometric constraint's formula."""
from __future__ import annotations

import math

import pytest
import torch

import wildpose.ops as ops
from wildpose.models.losses.depth_loss import DepthL2Loss
from wildpose.models.losses.geometric_loss import GeometricConstraintLoss
from wildpose.models.losses.heatmap_loss import KeypointMSELoss
from wildpose.structures.skeleton import BONE_GROUPS, BoneGroup

# ---------------------------------------------------------------- KeypointMSELoss


def test_keypoint_mse_value_and_masking():
    pred = torch.zeros(1, 2, 2, 2)
    target = torch.zeros(1, 2, 2, 2)
    pred[0, 0, 0, 0] = 2.0   # joint 0: squared error 4 in one of 4 pixels
    pred[0, 1] = 1.0         # joint 1: squared error 1 in all 4 pixels
    weight = torch.tensor([[1.0, 1.0]])
    # mean over 8 elements: (4 + 4) / 8
    assert KeypointMSELoss()(pred, target, weight).item() == pytest.approx(1.0)
    # mask joint 1: (4 + 0) / 8
    assert KeypointMSELoss()(pred, target, torch.tensor([[1.0, 0.0]])).item() == \
        pytest.approx(0.5)
    # unweighted ignores the mask; loss_weight scales
    assert KeypointMSELoss(use_target_weight=False, loss_weight=3.0)(
        pred, target, torch.tensor([[1.0, 0.0]])).item() == pytest.approx(3.0)


def test_keypoint_mse_shape_errors():
    loss = KeypointMSELoss()
    with pytest.raises(ValueError, match='target_weight'):
        loss(torch.zeros(1, 2, 3, 3), torch.zeros(1, 2, 3, 3), torch.ones(1, 3))
    with pytest.raises(ValueError, match='pred'):
        loss(torch.zeros(1, 2, 3, 3), torch.zeros(1, 2, 3, 4), torch.ones(1, 2))


# ---------------------------------------------------------------- DepthL2Loss


def test_depth_l2_value():
    pred = torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    target = torch.tensor([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
    weight = torch.tensor([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
    # (1 + 9 + 1) / 3 * 0.1
    assert DepthL2Loss()(pred, target, weight).item() == pytest.approx(11 / 3 * 0.1)
    # small total weight: divided by 1, not by 0.5
    half = torch.tensor([[0.5, 0.0, 0.0], [0.0, 0.0, 0.0]])
    assert DepthL2Loss(loss_weight=1.0)(pred, target, half).item() == pytest.approx(0.5)


def test_depth_l2_zero_weight_keeps_graph():
    pred = torch.randn(2, 4, requires_grad=True)
    loss = DepthL2Loss()(pred, torch.randn(2, 4), torch.zeros(2, 4, dtype=torch.bool))
    assert loss.item() == 0.0 and loss.requires_grad
    loss.backward()
    assert torch.equal(pred.grad, torch.zeros(2, 4))


# ---------------------------------------------------------------- GeometricConstraintLoss

A = 1.0085885   # lower-leg weight
B = 1.1375361   # lower-arm weight


def _canonical() -> torch.Tensor:
    """(16, 2) joints whose weighted lengths are equal within every group (z = 0)."""
    def t(x: float, y: float) -> torch.Tensor:
        return torch.tensor([x, y], dtype=torch.float64)

    xy = torch.zeros(16, 2, dtype=torch.float64)
    xy[6] = t(0.0, 0.0)              # pelvis
    xy[2], xy[3] = t(-1.0, 0.0), t(1.0, 0.0)    # hips: 1, 1
    xy[1], xy[4] = t(-1.0, 3.0), t(1.0, 3.0)    # thighs: 3
    xy[0], xy[5] = t(-1.0, 3.0 + 3 / A), t(1.0, 3.0 + 3 / A)
    xy[7], xy[8], xy[9] = t(0.0, -4.0), t(0.0, -5.0), \
        t(0.0, -6.0)
    xy[12], xy[13] = t(-1.5, -5.0), t(1.5, -5.0)  # shoulders 1.5
    xy[11], xy[14] = t(-1.5, -3.0), t(1.5, -3.0)  # upper arms 2
    xy[10], xy[15] = t(-1.5, -3.0 + 2 / B), t(1.5, -3.0 + 2 / B)
    return xy


def _spread(values: list[float]) -> float:
    m = sum(values) / len(values)
    return sum((v - m) ** 2 for v in values) / (2 * len(values))


def test_geometric_zero_on_consistent_skeleton():
    xy = _canonical()[None].repeat(2, 1, 1)
    loss = GeometricConstraintLoss(loss_weight=1.0)(
        xy, torch.zeros(2, 16, dtype=torch.float64), torch.ones(2, 16),
        torch.tensor([False, False]))
    assert loss.item() == pytest.approx(0.0, abs=1e-12)


def test_geometric_value_by_hand():
    dz = 2.0
    xy = _canonical()[None].repeat(3, 1, 1)
    z = torch.zeros(3, 16, dtype=torch.float64)
    z[:, 0] = dz                              # lengthens bone (0, 1) in every sample
    visible = torch.ones(3, 16)
    visible[2, 5] = 0                         # sample 2: drops bone (4, 5)
    has_3d = torch.tensor([False, True, False])   # sample 1 contributes nothing
    l01 = math.hypot(3 / A, dz)
    sample0 = _spread([A * l01, 3.0, 3.0, 3.0])
    sample2 = _spread([A * l01, 3.0, 3.0])
    expected = 0.01 * (sample0 + sample2) / 3
    loss = GeometricConstraintLoss()(xy, z, visible, has_3d)
    assert loss.item() == pytest.approx(expected, rel=1e-9)
    assert expected > 0


def test_geometric_has_3d_and_invisible():
    xy = _canonical()[None]
    z = torch.zeros(1, 16, dtype=torch.float64)
    z[0, 0] = 5.0
    loss = GeometricConstraintLoss(loss_weight=1.0)
    assert loss(xy, z, torch.ones(1, 16), torch.tensor([True])).item() == 0.0
    visible = torch.ones(1, 16)
    visible[0, 0] = 0                         # the lengthened bone is not counted
    assert loss(xy, z, visible, torch.tensor([False])).item() == pytest.approx(0.0, abs=1e-12)


def test_geometric_groups_from_config_dicts():
    xy = _canonical()[None]
    z = torch.zeros(1, 16, dtype=torch.float64)
    z[0, 0] = 2.0
    groups = [dict(name='r_leg', bones=[[0, 1], [1, 2]], weights=[1.0, 2.0])]
    loss = GeometricConstraintLoss(loss_weight=1.0, groups=groups)
    assert loss.groups == (BoneGroup('r_leg', ((0, 1), (1, 2)), (1.0, 2.0)),)
    expected = _spread([math.hypot(3 / A, 2.0), 6.0])
    assert loss(xy, z, torch.ones(1, 16), torch.tensor([False])).item() == \
        pytest.approx(expected, rel=1e-9)
    assert GeometricConstraintLoss().groups == tuple(BONE_GROUPS)
    with pytest.raises(ValueError, match='one weight per bone'):
        GeometricConstraintLoss(groups=[dict(name='x', bones=[[0, 1]], weights=[1.0, 2.0])])


def test_geometric_uses_ops_attribute_at_call_time(monkeypatch):
    seen = {}

    def fake(xy, z, visible, has_3d, groups):
        seen['groups'] = groups
        return z.sum() * 0 + 7.0

    monkeypatch.setattr(ops, 'bone_ratio_loss', fake)
    loss = GeometricConstraintLoss(loss_weight=0.5)(
        torch.zeros(1, 16, 2), torch.zeros(1, 16), torch.ones(1, 16), torch.tensor([False]))
    assert loss.item() == pytest.approx(3.5)
    assert seen['groups'] == tuple(BONE_GROUPS)


def test_geometric_gradient_flows_to_depth():
    xy = _canonical()[None]
    z = torch.zeros(1, 16, dtype=torch.float64)
    z[0, 0] = 1.0
    z.requires_grad_(True)
    GeometricConstraintLoss()(xy, z, torch.ones(1, 16), torch.tensor([False])).backward()
    assert z.grad[0, 0] > 0   # shrinking the too-long shin lowers the loss


def test_integral_coordinate_loss_value_and_gradient():
    from wildpose.models.losses import IntegralCoordinateLoss
    h, w = 8, 10
    logits = torch.full((1, 2, h, w), -30.0)
    logits[0, 0, 3, 4] = 30.0   # joint 0 at (x=4, y=3)
    logits[0, 1, 6, 1] = 30.0   # joint 1 at (x=1, y=6)
    logits.requires_grad_()
    target = torch.tensor([[[5.0, 3.0], [1.0, 4.0]]])  # off by 1 px and 2 px
    weight = torch.tensor([[1.0, 1.0]])
    loss = IntegralCoordinateLoss(beta=1.0, loss_weight=2.0)(logits, target, weight)
    assert loss.item() == pytest.approx(2.0 * (1.0 + 2.0) / (w * 2), rel=1e-4)
    # an invisible joint does not count, in the sum or the normaliser
    masked = IntegralCoordinateLoss()(logits, target, torch.tensor([[1.0, 0.0]]))
    assert masked.item() == pytest.approx(1.0 / w, rel=1e-4)
    # soft heatmaps get gradients that move the expectation towards the target
    soft = torch.zeros(1, 1, h, w, requires_grad=True)
    IntegralCoordinateLoss()(soft, torch.tensor([[[9.0, 0.0]]]), torch.ones(1, 1)).backward()
    assert soft.grad[0, 0, 0, 9] < 0 < soft.grad[0, 0, h - 1, 0]
    with pytest.raises(ValueError, match='beta'):
        IntegralCoordinateLoss(beta=0)
    with pytest.raises(ValueError, match='target'):
        IntegralCoordinateLoss()(soft, torch.zeros(1, 2, 2), torch.ones(1, 1))
