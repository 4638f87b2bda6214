"""wildpose.models.fast_inference: every speed-up keeps the outputs of float32 eager."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from wildpose.models.fast_inference import (add_speed_arguments, fold_batch_norms,
                                            optimise_for_inference, speed_options)
from wildpose.registry import MODELS

INPUT = (64, 64)


@pytest.fixture(autouse=True)
def _scope():
    from wildpose.utils import register_all_modules
    register_all_modules()


def _trained_like_model(seed: int = 0) -> nn.Module:
    """A small estimator whose batch norms hold non-trivial statistics and affine
    parameters, as after training (fresh ones are identities and would fold trivially)."""
    torch.manual_seed(seed)
    model = MODELS.build(dict(
        type='Weak3DPoseEstimator',
        data_preprocessor=dict(type='ImgDataPreprocessor', mean=[128.] * 3, std=[64.] * 3),
        backbone=dict(type='HourglassNet', num_stacks=2, channels=16, num_blocks=1, depth=2,
                      stem_channels=(8, 16)),
        head_2d=dict(type='StackedHeatmapHead', in_channels=16, num_stacks=2),
        head_depth=dict(type='DepthRegressionHead', in_channels=16, num_stages=2,
                        blocks_per_stage=1),
        codec=dict(type='HeatmapDepthCodec', input_size=INPUT, heatmap_size=(16, 16))))
    gen = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.running_mean.copy_(torch.randn(c, generator=gen) * 0.3)
            m.running_var.copy_(torch.rand(c, generator=gen) + 0.5)
            m.weight.data.copy_(torch.rand(c, generator=gen) + 0.5)
            m.bias.data.copy_(torch.randn(c, generator=gen) * 0.2)
    return model.eval()


def _outputs(model: nn.Module, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    with torch.no_grad():
        heatmaps, depth = model._network_outputs(x)
    return heatmaps[-1], depth


def test_fold_batch_norms_folds_every_conv_bn_pair_and_keeps_the_outputs():
    ref = _trained_like_model()
    model = _trained_like_model()
    n_bn = sum(isinstance(m, nn.BatchNorm2d) for m in model.modules())
    folded = fold_batch_norms(model)
    left = sum(isinstance(m, nn.BatchNorm2d) for m in model.modules())
    # stem conv7x7 + two per residual module + one per stack's post block; the
    # pre-activation batch norm that opens each residual module stays
    n_res = sum(type(m).__name__ == 'Residual' for m in model.modules())
    assert folded == n_bn - n_res and left == n_res
    x = torch.randn(2, 3, *INPUT)
    for a, b in zip(_outputs(ref, x), _outputs(model, x)):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-4)


def test_fold_batch_norms_refuses_a_training_model():
    with pytest.raises(RuntimeError, match='eval'):
        fold_batch_norms(_trained_like_model().train())


@pytest.mark.parametrize('precision, atol', [('float32', 1e-4), ('bfloat16-autocast', 0.08),
                                             ('bfloat16-weights', 0.08)])
def test_every_fast_path_matches_float32_eager(precision, atol):
    ref = _trained_like_model()
    x = torch.randn(2, 3, *INPUT)
    want = _outputs(ref, x)
    model = optimise_for_inference(_trained_like_model(), fold_bn=True, channels_last=True,
                                   precision=precision)
    got = _outputs(model, x)
    for a, b in zip(want, got):
        assert b.dtype == torch.float32  # decoding always sees float32
        scale = a.abs().max().item()
        assert (a - b).abs().max().item() <= atol * max(scale, 1.0), precision
    if precision == 'bfloat16-weights':
        assert next(model.parameters()).dtype == torch.bfloat16
    if precision != 'float32':  # reduced precision really ran: not bit-equal to float32
        assert not torch.equal(want[0], got[0])


def test_bad_precision_and_float16_on_cpu_are_refused():
    with pytest.raises(ValueError, match="precision must be 'auto' or one of"):
        optimise_for_inference(_trained_like_model(), precision='int8')
    with pytest.raises(ValueError, match='CUDA'):
        optimise_for_inference(_trained_like_model(), precision='float16-autocast')


def test_the_training_autocast_of_the_optim_wrapper_reaches_the_network():
    """The estimator must not switch autocast off inside the optim wrapper's region (a
    disabled ``torch.autocast`` context does exactly that)."""
    from wildpose.engine import AutocastOptimWrapper
    model = _trained_like_model().train()
    wrapper = AutocastOptimWrapper(optimizer=torch.optim.SGD(model.parameters(), lr=0.0))
    seen = []
    forward = model._forward
    model._forward = lambda x: seen.append(forward(x)[0][0].dtype) or forward(x)
    with wrapper.optim_context(model):
        heatmaps, _ = model._network_outputs(torch.randn(2, 3, *INPUT))
    assert seen == [torch.bfloat16] and heatmaps[0].dtype == torch.float32


def test_auto_precision_is_bfloat16_autocast_on_the_cpu():
    model = optimise_for_inference(_trained_like_model(), precision='auto')
    assert model.inference_autocast_dtype == torch.bfloat16
    assert next(model.parameters()).dtype == torch.float32


@pytest.mark.parametrize('argv, want', [
    ([], None),
    (['--fast'], dict(fold_bn=True, channels_last=True, precision='auto', compile=False)),
    (['--fast', '--precision', 'float32'],
     dict(fold_bn=True, channels_last=True, precision='float32', compile=False)),
    (['--precision', 'bfloat16-weights'],
     dict(fold_bn=False, channels_last=False, precision='bfloat16-weights', compile=False)),
    (['--compile'], dict(fold_bn=False, channels_last=False, precision='float32',
                         compile=True)),
])
def test_the_command_line_switches_give_the_options(argv, want):
    import argparse

    parser = argparse.ArgumentParser()
    add_speed_arguments(parser)
    assert speed_options(parser.parse_args(argv)) == want


def test_init_model_applies_the_fast_path_after_loading(tmp_path):
    from wildpose.apis import init_model

    config = tmp_path / 'config.py'
    config.write_text(
        "default_scope = 'wildpose'\n"
        "model = dict(type='Weak3DPoseEstimator',\n"
        "    data_preprocessor=dict(type='ImgDataPreprocessor', mean=[128.] * 3,"
        " std=[64.] * 3),\n"
        "    backbone=dict(type='HourglassNet', num_stacks=1, channels=16, num_blocks=1,"
        " depth=2, stem_channels=(8, 16)),\n"
        "    head_2d=dict(type='StackedHeatmapHead', in_channels=16, num_stacks=1),\n"
        "    head_depth=dict(type='DepthRegressionHead', in_channels=16, num_stages=2,"
        " blocks_per_stage=1),\n"
        "    codec=dict(type='HeatmapDepthCodec', input_size=(64, 64),"
        " heatmap_size=(16, 16)))\n")
    torch.manual_seed(0)
    plain = init_model(str(config))
    torch.save(dict(state_dict=plain.state_dict()), tmp_path / 'w.pth')
    fast = init_model(str(config), str(tmp_path / 'w.pth'),
                      fast=dict(fold_bn=True, channels_last=True, precision='float32'))
    x = torch.randn(1, 3, 64, 64)
    for a, b in zip(_outputs(plain, x), _outputs(fast, x)):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-4)
    n_bn = sum(isinstance(m, nn.BatchNorm2d) for m in plain.modules())
    assert sum(isinstance(m, nn.BatchNorm2d) for m in fast.modules()) < n_bn
