"""Run a trained model on your own images: 2D skeleton beside the 3D view, and a JSON.

    python tools/demo.py IMAGE_OR_FOLDER --config CONFIG --checkpoint CKPT --out-dir DIR
        [--bbox X1 Y1 X2 Y2] [--device cpu] [--flip-test] [--radius-mm 1000]

For each image (a file, or every image of a folder) it writes ``<out-dir>/<name>.png``:
the image with the predicted 2D skeleton (person's left blue, right red, centre green)
beside a 3D view of the root-relative 3D joints on fixed axes in mm; and
``<out-dir>/<name>.json``: joint names, 2D joints (image px), scores and 3D joints (mm).
Without ``--bbox`` the whole image is taken as the person box. Works on CPU. An image
that cannot be read or processed is reported and skipped; the others are written, and
the tool exits with status 2 naming each failure.
"""
from __future__ import annotations

import argparse
import json
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))  # run from a checkout

IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from mmengine.config import DictAction

    parser = argparse.ArgumentParser(description='2D + 3D pose of the person in images')
    parser.add_argument('input', help='an image file or a folder of images')
    parser.add_argument('--config', required=True, help='model config')
    parser.add_argument('--checkpoint', required=True, help='trained checkpoint (.pth)')
    parser.add_argument('--out-dir', required=True, help='where the PNG and JSON files go')
    parser.add_argument('--bbox', nargs=4, type=float, metavar=('X1', 'Y1', 'X2', 'Y2'),
                        help='person box in image px (default: the whole image)')
    parser.add_argument('--device', default='cpu', help="e.g. 'cpu' or 'cuda:0'")
    parser.add_argument('--flip-test', action='store_true',
                        help='average with the mirrored image (slower, usually better)')
    parser.add_argument('--radius-mm', type=float, default=1000.0,
                        help='the 3D axes span [-r, r] mm (default 1000)')
    parser.add_argument('--min-height', type=int, default=256,
                        help='small images are upscaled to this height in the picture')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    return parser.parse_args(argv)


def list_images(path: str) -> list[str]:
    """The image itself, or the images of a folder (sorted, not recursive)."""
    if osp.isfile(path):
        return [path]
    if osp.isdir(path):
        images = sorted(osp.join(path, f) for f in os.listdir(path)
                        if f.lower().endswith(IMAGE_EXTENSIONS))
        if not images:
            raise FileNotFoundError(f'no image ({", ".join(IMAGE_EXTENSIONS)}) in {path}')
        return images
    raise FileNotFoundError(f'input not found: {path}')


def _out_name(path: str, used: set[str]) -> str:
    name = osp.splitext(osp.basename(path))[0]
    if name in used:  # a.jpg and a.png in one folder
        name = osp.basename(path).replace('.', '_')
    used.add(name)
    return name


def main(argv: list[str] | None = None) -> list[str]:
    args = parse_args(argv)
    from wildpose.apis import inference_topdown, init_model, result_to_dict
    from wildpose.datasets.transforms.loading import LoadImage
    from wildpose.visualization import render_side_by_side, save_rgb

    images = list_images(args.input)
    options = dict(args.cfg_options)
    if args.flip_test:
        options['model.test_cfg.flip_test'] = True
    model = init_model(args.config, args.checkpoint, device=args.device, cfg_options=options)
    os.makedirs(args.out_dir, exist_ok=True)
    written, used, failed = [], set(), []
    for path in images:
        try:
            img = LoadImage.read(path)
            result = inference_topdown(model, img, bbox=args.bbox)
        except (OSError, ValueError) as err:  # one bad image: report it, go on
            failed.append(f'{path} ({err})')
            print(f'{path}: skipped: {err}', file=sys.stderr)
            continue
        rgb = render_side_by_side(img, result.pred_keypoints, result.pred_keypoints_3d,
                                  result.pred_scores, min_height=args.min_height,
                                  radius_mm=args.radius_mm)
        name = _out_name(path, used)
        png = osp.join(args.out_dir, f'{name}.png')
        save_rgb(png, rgb)
        record = dict(image=osp.abspath(path), image_size=[img.shape[1], img.shape[0]],
                      **result_to_dict(result))
        with open(osp.join(args.out_dir, f'{name}.json'), 'w') as f:
            json.dump(record, f, indent=1)
        print(f'{path} -> {png}')
        written.append(png)
    if failed:
        raise ValueError(f'{len(failed)} of {len(images)} images failed (the other '
                         f'{len(written)} are written): ' + '; '.join(failed))
    return written


if __name__ == '__main__':
    from wildpose.utils.cli import run_cli
    run_cli(main)
