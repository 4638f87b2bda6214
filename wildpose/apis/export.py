"""Exporting the network (and optionally its decoding) to ONNX and to ``torch.export``.

The exported graph takes what the test pipeline hands the model, person crops, and
returns the network's maps; with ``with_decode`` also the decoded joints:

    crops     (B, 3, H, W) float32, BGR pixel values in [0, 255] (the crop of
              TopdownAffine at the config's input size; normalisation is in the graph)
    heatmaps  (B, J, h, w) last-stack heatmaps (flip-averaged if test_cfg.flip_test)
    depths    (B, J) normalised root-relative depths (z_hm / (w_hm / 2))
    keypoints_input (B, J, 2) x y in input px      } with_decode: the model's codec's
    scores    (B, J)                               } decode, in float32; image px
    keypoints_3d (B, J, 3) root-relative mm        } need the crop's inverse warp

wildpose's compiled ops (soft-argmax) are recorded as their pure-PyTorch references
while tracing, so the file runs in any ONNX runtime.

Why :class:`ExportWrapper` can never be in train mode: a new ``nn.Module`` starts in
train mode, and ``torch.onnx.export`` (TorchScript exporter, ``training=EVAL``) exports
in eval mode and then *restores* the exported module's mode with ``train(True)``, which
recursively switches every BatchNorm of the wrapped estimator to train mode. The file
holds the running statistics, but the eager wrapper now normalises by each batch's own:
ONNX Runtime and PyTorch then differ by about 2 on outputs of magnitude about 1, while
``torch.jit.trace`` of the same (now train-mode) wrapper matches eager exactly. The
wrapper is built in eval mode and ignores ``train(True)``.
"""
from __future__ import annotations

import copy
import time
from typing import Any, Sequence

import numpy as np
import torch
from torch import Tensor, nn

OUTPUT_NAMES = ('heatmaps', 'depths')
DECODE_OUTPUT_NAMES = ('keypoints_input', 'scores', 'keypoints_3d')


class ExportWrapper(nn.Module):
    """Crops (B, 3, H, W) float BGR [0, 255] -> the outputs named above (a tuple).

    Args:
        model: a wildpose estimator (``init_model``); it is deep-copied (to the CPU, in
            eval mode), so the caller's model is left as it was.
        with_decode: also return the decoded joints.
    """

    def __init__(self, model: nn.Module, with_decode: bool = False) -> None:
        super().__init__()
        model = copy.deepcopy(model).cpu().eval()
        for p in model.parameters():
            p.requires_grad_(False)
        self.model = model
        self.with_decode = with_decode
        self.eval()

    def train(self, mode: bool = True) -> 'ExportWrapper':
        """Always eval mode (BatchNorm's running statistics); see the module's doc."""
        return super().train(False)

    @property
    def output_names(self) -> tuple[str, ...]:
        return OUTPUT_NAMES + (DECODE_OUTPUT_NAMES if self.with_decode else ())

    def forward(self, crops: Tensor) -> tuple[Tensor, ...]:
        x = self.model.data_preprocessor(dict(inputs=crops), False)['inputs']
        heatmaps, depths = self.model._predict_maps(x)
        if not self.with_decode:
            return heatmaps, depths
        decoded = self.model.codec.decode(heatmaps, depths, torch.float32)
        return heatmaps, depths, decoded.keypoints, decoded.scores, decoded.keypoints_3d


def input_shape(model: nn.Module, batch: int = 1) -> tuple[int, int, int, int]:
    """(B, 3, H, W) of the crops the model's test pipeline makes (``TopdownAffine``)."""
    from .inference import inference_pipeline_config

    for t in inference_pipeline_config(model.cfg):
        if 'input_size' in t:
            w, h = t['input_size']
            return (batch, 3, int(h), int(w))
    raise KeyError(f'config {model.cfg.filename}: no input_size in the test pipeline')


def example_crops(model: nn.Module, batch: int = 2, seed: int = 0) -> Tensor:
    """Random crops of the model's input size, BGR values in [0, 255]."""
    gen = torch.Generator().manual_seed(seed)
    return torch.rand(input_shape(model, batch), generator=gen) * 255.0


def export_onnx(model: nn.Module, path: str, with_decode: bool = False,
                dynamic_batch: bool = False, opset: int = 17,
                crops: Tensor | None = None) -> ExportWrapper:
    """Write ``model`` as ONNX (TorchScript exporter) to ``path``; returns the wrapper
    that was exported (the eager reference for :func:`compare_onnx`)."""
    wrapper = ExportWrapper(model, with_decode)
    if crops is None:  # a static file takes one crop at a time
        crops = example_crops(model, 2 if dynamic_batch else 1)
    names = wrapper.output_names
    axes = {n: {0: 'batch'} for n in ('crops',) + names} if dynamic_batch else None
    with torch.no_grad():
        torch.onnx.export(wrapper, (crops,), path, dynamo=False, opset_version=opset,
                          input_names=['crops'], output_names=list(names),
                          dynamic_axes=axes, do_constant_folding=True)
    return wrapper


def run_onnx(path: str, crops: np.ndarray | Tensor) -> list[np.ndarray]:
    """Run an exported file with ONNX Runtime (CPU) on ``crops``."""
    import onnxruntime as ort

    session = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
    x = crops.numpy() if isinstance(crops, Tensor) else np.asarray(crops, np.float32)
    return session.run(None, {session.get_inputs()[0].name: x.astype(np.float32)})


def compare_onnx(path: str, wrapper: ExportWrapper, crops: Tensor) -> dict[str, float]:
    """Largest absolute difference per output between ONNX Runtime and eager PyTorch."""
    with torch.no_grad():
        eager = wrapper(crops)
    onnx_out = run_onnx(path, crops)
    return {name: float(np.max(np.abs(e.numpy() - o)))
            for name, e, o in zip(wrapper.output_names, eager, onnx_out)}


def export_program(model: nn.Module, with_decode: bool = False, dynamic_batch: bool = False,
                   crops: Tensor | None = None) -> Any:
    """The same wrapper through ``torch.export``: an ``ExportedProgram`` (save it with
    ``torch.export.save``)."""
    wrapper = ExportWrapper(model, with_decode)
    if crops is None or (dynamic_batch and crops.shape[0] == 1):
        crops = example_crops(model)  # batch 2: torch.export specialises a batch of 1
    shapes = ({'crops': {0: torch.export.Dim('batch', min=1, max=1024)}}
              if dynamic_batch else None)
    return torch.export.export(wrapper, (crops,), dynamic_shapes=shapes)


def time_calls(fn: Any, repeats: int, warmup: int = 2) -> list[float]:
    """Seconds per call of ``fn()``, ``repeats`` times after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def benchmark(path: str, wrapper: ExportWrapper, crops: Tensor, repeats: int = 20
              ) -> dict[str, Sequence[float]]:
    """Seconds per call of eager PyTorch and ONNX Runtime (as many threads as PyTorch's
    ``torch.get_num_threads()``) on the same crops, alternating so that both see the same
    machine load."""
    import onnxruntime as ort

    options = ort.SessionOptions()  # the same number of threads as PyTorch
    options.intra_op_num_threads = torch.get_num_threads()
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=['CPUExecutionProvider'])
    name = session.get_inputs()[0].name
    x = crops.numpy()

    def eager() -> None:
        with torch.no_grad():
            wrapper(crops)

    out: dict[str, list[float]] = dict(pytorch=[], onnxruntime=[])
    for _ in range(repeats):
        out['pytorch'] += time_calls(eager, 1, warmup=0 if out['pytorch'] else 2)
        out['onnxruntime'] += time_calls(lambda: session.run(None, {name: x}), 1,
                                         warmup=0 if out['onnxruntime'] else 2)
    return out
