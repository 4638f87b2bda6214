"""Speed of the exported network: eager PyTorch against ONNX Runtime, side by side.

For a config (default the main one, hg_mixed_synth.py, with its initial weights: speed
does not depend on the values), exports the network with its decoding to ONNX, checks
that ONNX Runtime's outputs equal PyTorch's, then times one call of each on the same
crops for several batch sizes, the two taking turns so that both see the same machine
load. Prints a markdown table (median and best of the repeats, milliseconds per call).

    python tools/analysis/benchmark_export.py [--config CFG] [--batches 1 8] \
        [--repeats 30] [--threads N] [--markdown out.md]
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from wildpose.apis import init_model  # noqa: E402
from wildpose.apis.export import (benchmark, compare_onnx, example_crops,  # noqa: E402
                                  export_onnx)
from wildpose.utils.cli import emit  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def run(config: str, batches: list[int], repeats: int, threads: int) -> str:
    import onnxruntime as ort

    torch.set_num_threads(threads)
    os.environ.setdefault('OMP_NUM_THREADS', str(threads))
    torch.manual_seed(0)
    model = init_model(config, device='cpu')
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'model.onnx')
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            wrapper = export_onnx(model, path, with_decode=True, dynamic_batch=True)
        for batch in batches:
            crops = example_crops(model, batch, seed=batch)
            diff = max(v for k, v in compare_onnx(path, wrapper, crops).items()
                       if k != 'keypoints_3d')
            times = benchmark(path, wrapper, crops, repeats)
            pt, ox = (np.array(times[k]) * 1000 for k in ('pytorch', 'onnxruntime'))
            rows.append(f'| {batch} | {np.median(pt):.2f} | {pt.min():.2f} | '
                        f'{np.median(ox):.2f} | {ox.min():.2f} | '
                        f'{np.median(pt) / np.median(ox):.2f} | {diff:.1e} |')
    rel = os.path.relpath(config, REPO)
    head = (f'`{rel}` with decoding, {threads} CPU thread(s), torch {torch.__version__}, '
            f'onnxruntime {ort.__version__}, {platform.processor() or platform.machine()}; '
            f'{repeats} calls each, alternating. ms per call.\n\n'
            '| batch | PyTorch median | PyTorch best | ONNX Runtime median | '
            'ONNX Runtime best | PyTorch / ORT | max |diff| (maps, 2D) |\n'
            '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n')
    return head + '\n'.join(rows) + '\n'


def main(argv: list[str] | None = None) -> str:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--config', default=str(REPO / 'configs/weak3d/hg_mixed_synth.py'))
    p.add_argument('--batches', type=int, nargs='+', default=[1, 8])
    p.add_argument('--repeats', type=int, default=30)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--markdown', help='also write the table to this file')
    args = p.parse_args(argv)
    table = run(args.config, args.batches, args.repeats, args.threads)
    emit(table, args.markdown)
    return table


if __name__ == '__main__':
    main()
