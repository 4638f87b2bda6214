"""StackedHeatmapHead and DepthRegressionHead: shapes, errors, building from configs."""
from __future__ import annotations

import pytest
import torch

from wildpose.models.heads.depth_head import DepthRegressionHead
from wildpose.models.heads.heatmap_head import StackedHeatmapHead
from wildpose.registry import MODELS


def test_heatmap_head_per_stack_and_list():
    head = StackedHeatmapHead(8, num_joints=5, num_stacks=2)
    feats = [torch.randn(2, 8, 6, 7), torch.randn(2, 8, 6, 7)]
    outs = head(feats)
    assert [o.shape for o in outs] == [(2, 5, 6, 7)] * 2
    torch.testing.assert_close(outs[1], head.forward_stack(1, feats[1]))
    # distinct convolutions per stack
    assert not torch.allclose(head.forward_stack(0, feats[0]), head.forward_stack(1, feats[0]))
    with pytest.raises(IndexError, match='2 stacks'):
        head.forward_stack(2, feats[0])
    with pytest.raises(ValueError, match='expects 2 feature maps'):
        head(feats[:1])


@pytest.mark.parametrize('in_size,stages,blocks,fc_in', [
    ((16, 16), 2, 1, 8 * 4 * 4),
    ((32, 16), 3, 2, 8 * 4 * 2),
    ((8, 8), 0, 1, 8 * 8 * 8),
])
def test_depth_head_shapes(in_size, stages, blocks, fc_in):
    head = DepthRegressionHead(8, num_joints=5, in_size=in_size, num_stages=stages,
                               blocks_per_stage=blocks)
    assert head.fc.in_features == fc_in
    w, h = in_size
    assert head(torch.randn(3, 8, h, w)).shape == (3, 5)


def test_depth_head_rejects_wrong_size():
    head = DepthRegressionHead(8, num_joints=5, in_size=(16, 16), num_stages=2)
    with pytest.raises(ValueError, match=r'in_size \(w, h\) = \(16, 16\)'):
        head(torch.randn(1, 8, 32, 32))
    with pytest.raises(ValueError, match='too small'):
        DepthRegressionHead(8, in_size=(8, 8), num_stages=4)


def test_build_everything_from_config():
    cfgs = [
        dict(type='HourglassNet', num_stacks=1, channels=16, num_blocks=1, depth=2,
             feedback_channels=4),
        dict(type='StackedHeatmapHead', in_channels=16, num_joints=4, num_stacks=1),
        dict(type='DepthRegressionHead', in_channels=16, num_joints=4, in_size=(16, 16),
             num_stages=2, blocks_per_stage=1),
        dict(type='KeypointMSELoss', use_target_weight=True, loss_weight=1.0),
        dict(type='DepthL2Loss', loss_weight=0.1),
        dict(type='GeometricConstraintLoss', loss_weight=0.01),
    ]
    built = [MODELS.build(c) for c in cfgs]
    assert [type(m).__name__ for m in built] == [c['type'] for c in cfgs]
    backbone, head, depth = built[:3]
    out = backbone(torch.randn(2, 3, 64, 64), head.forward_stack)
    assert depth(out.merged).shape == (2, 4)


def test_unknown_type_lists_registered_names():
    with pytest.raises(KeyError, match='HourglassNet') as err:
        MODELS.build(dict(type='HourGlassNet'))
    assert 'HourGlassNet' in str(err.value)
    assert 'DepthRegressionHead' in str(err.value)


def test_depth_map_head_reads_each_joints_map_where_its_heatmap_peaks():
    from wildpose.models.heads import DepthMapHead
    torch.manual_seed(0)
    head = DepthMapHead(in_channels=8, num_joints=3, num_blocks=1, beta=1.0)
    merged = torch.randn(2, 8, 6, 5)
    maps = head.depth_maps(merged)
    heatmaps = torch.full((2, 3, 6, 5), -50.0)
    peaks = [(1, 2), (4, 0), (5, 4)]   # (y, x) per joint
    for j, (y, x) in enumerate(peaks):
        heatmaps[:, j, y, x] = 50.0
    depth = head(merged, heatmaps)
    want = torch.stack([maps[:, j, y, x] for j, (y, x) in enumerate(peaks)], dim=1)
    torch.testing.assert_close(depth, want, rtol=1e-5, atol=1e-5)
    # a flat heatmap reads the map's mean
    flat = head(merged, torch.zeros(2, 3, 6, 5))
    torch.testing.assert_close(flat, maps.mean(dim=(2, 3)), rtol=1e-5, atol=1e-5)


def test_depth_map_head_detaches_the_read_out_weights_unless_asked():
    from wildpose.models.heads import DepthMapHead
    for detach in (True, False):
        torch.manual_seed(0)
        head = DepthMapHead(in_channels=4, num_joints=2, num_blocks=0, detach_weights=detach)
        heatmaps = torch.randn(1, 2, 4, 4, requires_grad=True)
        head(torch.randn(1, 4, 4, 4), heatmaps).sum().backward()
        assert (heatmaps.grad is None or not heatmaps.grad.any()) == detach
        assert head.out.weight.grad.abs().sum() > 0
    with pytest.raises(ValueError, match='same shape'):
        head(torch.randn(1, 4, 4, 4), torch.randn(1, 2, 3, 3))
