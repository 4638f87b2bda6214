"""HourglassNet: shapes, the heatmap callback, gradients and the paper's model size."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from wildpose.models.backbones.hourglass import HourglassNet, HourglassOutput
from wildpose.models.heads.depth_head import DepthRegressionHead
from wildpose.models.heads.heatmap_head import StackedHeatmapHead
from wildpose.models.layers import Residual


def test_residual_shapes_and_skip():
    same = Residual(16, 16)
    assert isinstance(same.skip, nn.Identity)
    change = Residual(8, 16)
    assert isinstance(change.skip, nn.Conv2d)
    assert change(torch.randn(2, 8, 5, 7)).shape == (2, 16, 5, 7)
    with pytest.raises(ValueError, match='even'):
        Residual(8, 15)


@pytest.mark.parametrize('stacks,channels,blocks,depth,joints,size', [
    (1, 16, 1, 2, 5, (64, 64)),
    (2, 16, 2, 3, 16, (64, 64)),
    (3, 8, 1, 2, 4, (64, 96)),
])
def test_output_shapes_and_callback(stacks, channels, blocks, depth, joints, size):
    torch.manual_seed(0)
    net = HourglassNet(num_stacks=stacks, channels=channels, num_blocks=blocks, depth=depth,
                       feedback_channels=joints)
    head = StackedHeatmapHead(channels, num_joints=joints, num_stacks=stacks)
    calls: list[tuple[int, tuple[int, ...]]] = []

    def fn(i, feat):
        calls.append((i, tuple(feat.shape)))
        return head.forward_stack(i, feat)

    h, w = size
    out = net(torch.randn(2, 3, h, w), fn)
    assert isinstance(out, HourglassOutput)
    fshape = (2, channels, h // 4, w // 4)
    assert calls == [(i, fshape) for i in range(stacks)]
    assert len(out.features) == len(out.heatmaps) == stacks
    assert all(f.shape == fshape for f in out.features)
    assert all(hm.shape == (2, joints, h // 4, w // 4) for hm in out.heatmaps)
    assert out.merged.shape == fshape


def test_merge_after_last_stack_uses_heatmaps():
    """merged depends on the last stack's heatmaps (the merge runs after every stack)."""
    torch.manual_seed(0)
    net = HourglassNet(num_stacks=1, channels=16, num_blocks=1, depth=2, feedback_channels=3).eval()
    x = torch.randn(1, 3, 64, 64)
    zeros = net(x, lambda i, f: torch.zeros(1, 3, 16, 16)).merged
    ones = net(x, lambda i, f: torch.ones(1, 3, 16, 16)).merged
    conv = net.merge_heatmaps[0]
    expected = conv.weight.sum(dim=(1, 2, 3))  # 1x1 conv of all-ones minus of all-zeros
    torch.testing.assert_close(ones - zeros, expected[None, :, None, None].expand_as(ones),
                               rtol=1e-5, atol=1e-5)


def test_wrong_heatmap_channels_is_a_clear_error():
    net = HourglassNet(num_stacks=1, channels=16, num_blocks=1, depth=2, feedback_channels=16)
    head = StackedHeatmapHead(16, num_joints=5, num_stacks=1)
    with pytest.raises(ValueError, match='feedback_channels=16'):
        net(torch.randn(1, 3, 64, 64), head.forward_stack)


def test_bad_arguments():
    with pytest.raises(ValueError, match='depth'):
        HourglassNet(depth=0)
    with pytest.raises(ValueError, match='num_stacks'):
        HourglassNet(num_stacks=0)


def test_gradients_reach_every_parameter():
    torch.manual_seed(0)
    net = HourglassNet(num_stacks=2, channels=16, num_blocks=1, depth=2, feedback_channels=4)
    head = StackedHeatmapHead(16, num_joints=4, num_stacks=2)
    depth = DepthRegressionHead(16, num_joints=4, in_size=(16, 16), num_stages=2,
                                blocks_per_stage=1)
    out = net(torch.randn(2, 3, 64, 64), head.forward_stack)
    loss = sum(h.pow(2).mean() for h in out.heatmaps) + depth(out.merged).pow(2).mean()
    loss.backward()
    for module in (net, head, depth):
        for name, p in module.named_parameters():
            assert p.grad is not None, name
            assert torch.isfinite(p.grad).all(), name


def _paper_model() -> nn.Module:
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.backbone = HourglassNet(num_stacks=2, channels=256, num_blocks=2, depth=4,
                                         feedback_channels=16)
            self.head_2d = StackedHeatmapHead(256, num_joints=16, num_stacks=2)
            self.head_depth = DepthRegressionHead(256, num_joints=16, in_size=(64, 64),
                                                  num_stages=4, blocks_per_stage=2)

        def forward(self, x):
            out = self.backbone(x, self.head_2d.forward_stack)
            return out.heatmaps, self.head_depth(out.merged)

    return Model()


def test_paper_config_parameter_count():
    """method.md: about 14.4 M parameters for 2 stacks, C=256 (we measure 14.43 M)."""
    model = _paper_model()
    count = sum(p.numel() for p in model.parameters())
    assert 13.5e6 <= count <= 15.5e6, count
    assert model.head_depth.fc.in_features == 4 * 4 * 256


def test_paper_config_flops():
    """method.md: about 32 GFLOPs (mult+add = 2); mmengine counts a MAC as 1 (~16 G)."""
    analysis = pytest.importorskip('mmengine.analysis')
    model = _paper_model().eval()
    info = analysis.get_model_complexity_info(model, inputs=(torch.zeros(1, 3, 256, 256),),
                                              show_table=False, show_arch=False)
    assert 15.0e9 <= info['flops'] <= 17.5e9, info['flops']


def test_stem_channels_set_the_stem_widths_and_are_checked():
    import torch
    from wildpose.models.backbones.hourglass import HourglassNet

    net = HourglassNet(num_stacks=1, channels=16, num_blocks=1, depth=2,
                       stem_channels=(8, 12))
    assert net.stem[0].out_channels == 8
    out = net(torch.randn(1, 3, 64, 64), lambda i, f: torch.zeros(1, 16, 16, 16))
    assert out.merged.shape == (1, 16, 16, 16)
    with pytest.raises(ValueError, match='stem_channels'):
        HourglassNet(stem_channels=(6, 7))


def test_early_pool_runs_the_first_residual_at_a_quarter_of_the_input():
    """early_pool moves the stem's pooling before its first residual: same parameters,
    same output size, the residual sees (H/4, W/4) instead of (H/2, W/2)."""
    torch.manual_seed(0)
    kwargs = dict(num_stacks=1, channels=16, num_blocks=1, depth=2, stem_channels=(8, 12))
    paper, early = HourglassNet(**kwargs), HourglassNet(**kwargs, early_pool=True)
    assert sum(p.numel() for p in early.parameters()) == \
        sum(p.numel() for p in paper.parameters())
    seen = {}
    for name, net in (('paper', paper), ('early', early)):
        first = next(m for m in net.stem if isinstance(m, Residual))
        first.register_forward_hook(lambda m, i, o, name=name: seen.__setitem__(name, o.shape))
        out = net(torch.randn(2, 3, 64, 64), lambda i, f: torch.zeros(2, 16, 16, 16))
        assert out.merged.shape == (2, 16, 16, 16)
    assert seen == {'paper': (2, 12, 32, 32), 'early': (2, 12, 16, 16)}
