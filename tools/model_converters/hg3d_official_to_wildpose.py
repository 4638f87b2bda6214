"""Convert the authors' released model into a wildpose checkpoint, executing nothing.

    python tools/model_converters/hg3d_official_to_wildpose.py IN.pth OUT.pth
        [--config wildpose::weak3d/hg_mixed_authors.py]

IN.pth is ``hgreg-3d.pth`` from xingyizhou/pytorch-pose-hg-3d (branch hg3d):
``torch.save`` of the whole ``models.hg_3d.HourglassNet3D``, in the legacy layout of
2017's PyTorch or the zip layout; a state dict of that network (bare or under
``'state_dict'``) works too. The file is read by a restricted unpickler that accepts
only the known module classes, containers and tensor storages, as inert stand-ins: a
file naming anything else is refused and nothing from it runs.

The converted weights are checked against the model of ``--config``: every tensor in
place with its shape, and every layer computing the same thing (convolution strides and
padding, BatchNorm eps, 2x2 pools, nearest x2 up-sampling). OUT.pth is an mmengine
checkpoint (``state_dict`` + ``meta``) for tools/test.py, tools/demo.py and
``wildpose.apis.init_model`` with that config (docs/model_zoo.md).
"""
from __future__ import annotations

import argparse
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

DEFAULT_CONFIG = 'wildpose::weak3d/hg_mixed_authors.py'


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Convert the authors' hgreg-3d.pth")
    parser.add_argument('src', help="the authors' file (hgreg-3d.pth)")
    parser.add_argument('dst', help='the wildpose checkpoint to write')
    parser.add_argument('--config', default=DEFAULT_CONFIG,
                        help=f'config whose model receives the weights ({DEFAULT_CONFIG})')
    return parser.parse_args(argv)


def convert(src: str, dst: str, config: str = DEFAULT_CONFIG) -> dict:
    """Convert ``src`` into ``dst``; returns the checkpoint's ``meta``."""
    import torch

    from wildpose.apis import init_model
    from wildpose.converters.hg3d_official import (check_layers, convert_state, infer_layout,
                                                   layout_dict, model_overrides,
                                                   read_official)
    from wildpose.datasets.provenance import file_sha256

    if not osp.isfile(src):
        raise FileNotFoundError(f'input not found: {src}')
    theirs, tree = read_official(src)
    layout = infer_layout(theirs, src)
    overrides = model_overrides(layout)
    model = init_model(config, None, cfg_options=overrides)
    state = convert_state(theirs, layout, src)
    if tree is not None:
        check_layers(tree, layout, model, src)
    own = model.state_dict()
    missing = sorted(set(own) - set(state))
    wrong = [k for k in own if k in state and state[k].shape != own[k].shape]
    if missing or wrong:
        raise ValueError(f'{src}: converted weights do not fit {config}: '
                         f'{len(missing)} missing (e.g. {missing[:2]}), {len(wrong)} of '
                         f'another shape (e.g. {wrong[:2]})')
    model.load_state_dict(state, strict=True)
    meta = dict(converted_from=osp.basename(src), source_sha256=file_sha256(src),
                source_format='whole pickled module' if tree is not None else 'state dict',
                layout=layout_dict(layout), config=config, cfg_options=overrides,
                converter='tools/model_converters/hg3d_official_to_wildpose.py')
    os.makedirs(osp.dirname(osp.abspath(dst)), exist_ok=True)
    torch.save({'state_dict': {k: v.contiguous() for k, v in model.state_dict().items()},
                'meta': meta}, dst)
    return meta


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    meta = convert(args.src, args.dst, args.config)
    print(f"converted {args.src} ({meta['source_format']}, layout {meta['layout']}) "
          f'-> {args.dst}')
    options = ' '.join(f'{k}={v}' for k, v in meta['cfg_options'].items())
    print(f'use it with --config {args.config}'
          + (f' --cfg-options {options}' if options else ''))
    return meta


if __name__ == '__main__':
    from wildpose.utils.cli import run_cli
    run_cli(main)
