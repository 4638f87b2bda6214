"""Export a trained wildpose network to ONNX (and optionally through torch.export).

    python tools/deployment/export_onnx.py CONFIG CHECKPOINT OUT.onnx \
        [--dynamic-batch] [--with-decode] [--opset 17] [--batch 1] \
        [--torch-export OUT.pt2] [--no-verify] [--cfg-options KEY=VALUE ...]

The graph's input is ``crops``: (B, 3, H, W) float32 person crops, BGR values in
[0, 255], at the config's input size (what TopdownAffine makes; normalisation is in the
graph). Outputs: ``heatmaps`` (B, J, h, w), ``depths`` (B, J) normalised; with
``--with-decode`` also ``keypoints_input`` (B, J, 2) input px, ``scores`` (B, J) and
``keypoints_3d`` (B, J, 3) root-relative mm (the estimator's own decoding). See
docs/inference.md. Unless ``--no-verify``, the file is run with ONNX Runtime (an optional
dependency: pip install onnxruntime) on random crops and compared with PyTorch; the
command fails when an output differs by more than 1e-4 (relative to the output's largest
magnitude when that exceeds 1: keypoints_3d is in mm).
"""
from __future__ import annotations

import argparse
import os.path as osp
import sys
import warnings

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

TOLERANCE = 1e-4


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from mmengine.config import DictAction

    p = argparse.ArgumentParser(description='export a wildpose network to ONNX')
    p.add_argument('config')
    p.add_argument('checkpoint')
    p.add_argument('out', help='the .onnx file to write')
    p.add_argument('--dynamic-batch', action='store_true', help='any batch size at run time')
    p.add_argument('--with-decode', action='store_true',
                   help='also export the decoding (2D joints, scores, 3D joints in mm)')
    p.add_argument('--opset', type=int, default=17)
    p.add_argument('--batch', type=int, default=1, help='batch size of the example input')
    p.add_argument('--torch-export', metavar='OUT.pt2',
                   help='also save the torch.export ExportedProgram here')
    p.add_argument('--no-verify', action='store_true',
                   help='skip the ONNX Runtime comparison with PyTorch')
    p.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    return p.parse_args(argv)


def tolerance_ok(diffs: dict[str, float], scales: dict[str, float]) -> bool:
    """Each difference within TOLERANCE x max(1, the output's largest magnitude)."""
    return all(diffs[k] <= TOLERANCE * max(1.0, scales[k]) for k in diffs)


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse_args(argv)
    import torch

    from wildpose.apis import init_model
    from wildpose.apis.export import (compare_onnx, example_crops, export_onnx,
                                      export_program)

    model = init_model(args.config, args.checkpoint, device='cpu', cfg_options=args.cfg_options)
    crops = example_crops(model, args.batch)
    with warnings.catch_warnings():  # the tracer's notes on shape checks
        warnings.simplefilter('ignore')
        wrapper = export_onnx(model, args.out, args.with_decode, args.dynamic_batch,
                              args.opset, crops)
    print(f'wrote {args.out}: input crops {tuple(crops.shape)}, outputs '
          f'{", ".join(wrapper.output_names)}'
          + (' (dynamic batch)' if args.dynamic_batch else ''))
    diffs: dict[str, float] = {}
    if not args.no_verify:
        try:
            import onnxruntime  # noqa: F401
        except ImportError as err:
            raise ImportError('verifying needs onnxruntime (pip install onnxruntime), or '
                              'pass --no-verify') from err
        check = example_crops(model, 2 if args.dynamic_batch else args.batch, seed=1)
        diffs = compare_onnx(args.out, wrapper, check)
        with torch.no_grad():
            eager = wrapper(check)
        scales = {n: float(t.abs().max()) for n, t in zip(wrapper.output_names, eager)}
        for name, d in diffs.items():
            print(f'  ONNX Runtime vs PyTorch, {name}: max |diff| {d:.2e} '
                  f'(largest |value| {scales[name]:.3g})')
        if not tolerance_ok(diffs, scales):
            raise ValueError(f'{args.out}: ONNX Runtime differs from PyTorch by more than '
                             f'{TOLERANCE} (relative beyond magnitude 1): {diffs}')
    if args.torch_export:
        program = export_program(model, args.with_decode, args.dynamic_batch, crops)
        torch.export.save(program, args.torch_export)
        print(f'wrote {args.torch_export} (torch.export)')
    return diffs


if __name__ == '__main__':
    from wildpose.utils.cli import run_cli
    run_cli(main)
