"""Export: ONNX Runtime's outputs equal PyTorch's (the main config's network included),
the compiled ops export as plain ONNX, torch.export agrees, and the command works.
onnx and onnxruntime are optional test dependencies: without them these tests skip."""
from __future__ import annotations

import os.path as osp
import warnings

import numpy as np
import pytest
import torch
from repo_files import load_tool

onnx = pytest.importorskip('onnx')
ort = pytest.importorskip('onnxruntime')

from wildpose.apis import init_model  # noqa: E402
from wildpose.apis.export import (ExportWrapper, benchmark, compare_onnx,  # noqa: E402
                                  example_crops, export_onnx, export_program, run_onnx)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
MAIN = osp.join(REPO, 'configs', 'weak3d', 'hg_mixed_synth.py')
TINY = osp.join(REPO, 'tests', 'data', 'configs', 'tiny_mixed_synth.py')
TOL = 1e-4

pytestmark = pytest.mark.filterwarnings('ignore')


def _model(config, **options):
    """Random weights and BatchNorm statistics far from (0, 1), so that a BatchNorm
    exported in the wrong mode cannot go unnoticed."""
    torch.manual_seed(0)
    model = init_model(config, cfg_options=options or None)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.3, 3.0)
    return model


def _check_equal(path, wrapper, crops):
    with torch.no_grad():
        eager = [t.numpy() for t in wrapper(crops)]
    got = dict(zip(wrapper.output_names, run_onnx(path, crops)))
    ref = dict(zip(wrapper.output_names, eager))
    for name in ('heatmaps', 'depths', 'scores'):
        if name in ref:
            np.testing.assert_allclose(got[name], ref[name], rtol=0, atol=TOL, err_msg=name)
    if 'keypoints_input' in ref:
        # argmax may differ only between near-equal maxima: compare the clear-cut joints
        hm = np.sort(ref['heatmaps'].reshape(*ref['heatmaps'].shape[:2], -1), axis=-1)
        clear = (hm[..., -1] - hm[..., -2]) > 10 * TOL
        assert clear.mean() > 0.5  # most joints are compared
        np.testing.assert_allclose(got['keypoints_input'][clear], ref['keypoints_input'][clear],
                                   atol=TOL)
        scale = max(1.0, float(np.abs(ref['keypoints_3d']).max()))  # mm: ~1000
        ok = clear.all(axis=1)  # skeletons whose every joint is clear-cut
        np.testing.assert_allclose(got['keypoints_3d'][ok], ref['keypoints_3d'][ok],
                                   atol=TOL * scale)


def test_main_config_network_and_decoding_match_in_onnx_runtime(tmp_path):
    model = _model(MAIN)
    assert model.channels_last  # today's main config: NHWC convolutions
    path = str(tmp_path / 'main.onnx')
    wrapper = export_onnx(model, path, with_decode=True, dynamic_batch=True)
    assert not wrapper.training and not any(m.training for m in wrapper.modules())
    assert not model.training and model.channels_last  # the caller's model is untouched
    for batch in (1, 3):  # a dynamic batch
        _check_equal(path, wrapper, example_crops(model, batch, seed=batch))
    graph = onnx.load(path).graph
    assert {n.domain for n in graph.node} <= {'', 'ai.onnx'}  # standard ops only
    assert [i.name for i in graph.input] == ['crops']


def test_the_train_mode_trap_is_what_the_equality_check_catches(tmp_path):
    """A plain nn.Module wrapper starts in train mode; torch.onnx.export restores that mode
    after exporting, switching the estimator's BatchNorms to train mode: the eager model
    then differs from the file by O(1). ExportWrapper cannot go into train mode."""
    model = _model(TINY)

    class Plain(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, x):
            heatmaps, depth = self.m._forward(self.m.data_preprocessor(dict(inputs=x))['inputs'])
            return heatmaps[-1], depth

    crops = example_crops(model, 4)
    plain = Plain(model)
    assert not model.training
    torch.onnx.export(plain, (crops,), str(tmp_path / 'plain.onnx'), dynamo=False,
                      opset_version=17)
    assert model.training  # the exporter's restore switched it
    with torch.no_grad():
        eager = plain(crops)[0].numpy()
    assert np.abs(run_onnx(str(tmp_path / 'plain.onnx'), crops)[0] - eager).max() > 0.1
    model.eval()
    wrapper = ExportWrapper(model)
    wrapper.train()
    assert not any(m.training for m in wrapper.modules())


def test_soft_argmax_and_flip_test_export_as_plain_onnx(tmp_path):
    model = _model(TINY, **{'model.codec.type': 'IntegralDepthCodec', 'model.codec.beta': 5.0,
                            'model.test_cfg.flip_test': True})
    path = str(tmp_path / 'soft.onnx')
    wrapper = export_onnx(model, path, with_decode=True)
    assert {n.domain for n in onnx.load(path).graph.node} <= {'', 'ai.onnx'}
    diffs = compare_onnx(path, wrapper, example_crops(model, 1, seed=5))
    assert diffs['keypoints_input'] < TOL and diffs['scores'] < TOL and diffs['heatmaps'] < TOL
    assert diffs['keypoints_3d'] < 1.0  # mm, float32 on ~1000 mm


def test_torch_export_matches_eager():
    model = _model(TINY)
    program = export_program(model, with_decode=True, dynamic_batch=True)
    wrapper = ExportWrapper(model, with_decode=True)
    crops = example_crops(model, 3, seed=2)
    with torch.no_grad():
        for name, a, b in zip(wrapper.output_names, wrapper(crops), program.module()(crops)):
            torch.testing.assert_close(b, a, rtol=0, atol=TOL * max(1.0, float(a.abs().max())),
                                       msg=name)


def test_export_command_and_side_by_side_timing(tmp_path):
    model = _model(TINY)
    ckpt = str(tmp_path / 'tiny.pth')
    torch.save({'state_dict': model.state_dict()}, ckpt)
    tool = load_tool('deployment/export_onnx.py')
    out = str(tmp_path / 'tiny.onnx')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        diffs = tool.main([TINY, ckpt, out, '--dynamic-batch', '--with-decode',
                           '--torch-export', str(tmp_path / 'tiny.pt2')])
    assert set(diffs) == {'heatmaps', 'depths', 'keypoints_input', 'scores', 'keypoints_3d'}
    assert diffs['heatmaps'] < TOL and osp.isfile(str(tmp_path / 'tiny.pt2'))
    assert torch.export.load(str(tmp_path / 'tiny.pt2')) is not None
    # the benchmark's timer: both runtimes, the same number of calls (no speed claim here;
    # the figures in docs/benchmarks.md come from tools/analysis/benchmark_export.py)
    wrapper = ExportWrapper(init_model(TINY, ckpt))
    export_onnx(init_model(TINY, ckpt), str(tmp_path / 'maps.onnx'))
    times = benchmark(str(tmp_path / 'maps.onnx'), wrapper, example_crops(model, 1), repeats=3)
    assert len(times['pytorch']) == len(times['onnxruntime']) == 3
    assert min(times['pytorch']) > 0 and min(times['onnxruntime']) > 0


def test_a_model_prepared_for_fast_inference_exports_too(tmp_path):
    """Batch norms folded into convolutions, channels-last (wildpose.models.fast_inference)."""
    from wildpose.models.fast_inference import optimise_for_inference

    model = optimise_for_inference(_model(TINY), fold_bn=True, channels_last=True)
    path = str(tmp_path / 'fast.onnx')
    wrapper = export_onnx(model, path, with_decode=True)
    _check_equal(path, wrapper, example_crops(model, 1, seed=4))
    _check_equal(path, wrapper, example_crops(model, 1, seed=6))
