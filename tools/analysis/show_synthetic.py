"""Save a picture grid of the synthetic benchmark: one row per split, 2D skeleton drawn.

    python tools/analysis/show_synthetic.py [--out work_dirs/synthetic_samples.png]
        [--splits lab_train wild_train lab_test wild_test] [--num 6] [--seed 0]
        [--data-root data/cache/synthetic] [--scale 1.0] [--raw] [--palette 0]

Without ``--data-root`` the samples are rendered in memory (the first ``--num`` samples
of each split for ``--seed``: the same people as in any cache made with that seed, before
JPEG compression) and nothing is written but the picture. With ``--data-root`` the
images and labels are read from an existing cache (see ``docs/synthetic_benchmark.md``).
Bones are drawn red on the person's right, blue on the left, green in the middle; joints
outside the image (visibility 0) are left out. ``--palette N`` stores an N-colour PNG
(needs Pillow), several times smaller: what ``docs/images/synthetic_samples.png`` uses.
"""
from __future__ import annotations

import argparse
import json
import os
import os.path as osp
import sys

import cv2
import numpy as np

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from wildpose.structures.skeleton import BONES, is_left, is_right  # noqa: E402
from wildpose.utils.cli import run_cli  # noqa: E402

RIGHT, LEFT, MIDDLE = (40, 40, 230), (230, 120, 30), (40, 200, 40)  # BGR


def draw_skeleton(img: np.ndarray, keypoints: np.ndarray) -> np.ndarray:
    """Draw (J, 3) [u, v, visibility] keypoints (image px) on a copy of ``img``."""
    out = img.copy()
    scale = 16
    pt = lambda j: (int(round(keypoints[j, 0] * scale)), int(round(keypoints[j, 1] * scale)))  # noqa: E731,E501
    for a, b in BONES:
        if keypoints[a, 2] > 0 and keypoints[b, 2] > 0:
            colour = RIGHT if is_right(b) or is_right(a) else LEFT if is_left(a) or is_left(b) \
                else MIDDLE
            cv2.line(out, pt(a), pt(b), colour, 1, cv2.LINE_AA, 4)
    for j in range(len(keypoints)):
        if keypoints[j, 2] > 0:
            colour = RIGHT if is_right(j) else LEFT if is_left(j) else MIDDLE
            cv2.circle(out, pt(j), 2 * scale, colour, -1, cv2.LINE_AA, 4)
    return out


def _label(img: np.ndarray, text: str) -> None:
    cv2.putText(img, text, (3, 12), cv2.FONT_HERSHEY_SIMPLEX, 0.38, (0, 0, 0), 3, cv2.LINE_AA)
    cv2.putText(img, text, (3, 12), cv2.FONT_HERSHEY_SIMPLEX, 0.38, (255, 255, 255), 1,
                cv2.LINE_AA)


def load_samples(split: str, num: int, seed: int, data_root: str | None
                 ) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """(image, keypoints (J, 3), action) of the first ``num`` samples of ``split``."""
    from wildpose.datasets.synthetic.generate import check_split, render_sample

    check_split(split)
    if data_root is None:
        out = []
        for i in range(num):
            s = render_sample(seed, split, i)
            out.append((s.img, s.keypoints, s.action))
        return out
    ann_path = osp.join(data_root, split, 'annotations.json')
    if not osp.isfile(ann_path):
        raise FileNotFoundError(f'no synthetic cache for {split}: {ann_path} is missing; '
                                'build a SyntheticPoseDataset first or drop --data-root')
    with open(ann_path) as f:
        coco = json.load(f)
    images = {im['id']: im for im in coco['images']}
    out = []
    for ann in coco['annotations'][:num]:
        path = osp.join(data_root, split, 'images', images[ann['image_id']]['file_name'])
        img = cv2.imread(path)
        if img is None:
            raise FileNotFoundError(f'cannot read image {path}')
        out.append((img, np.asarray(ann['keypoints'], np.float64).reshape(-1, 3),
                    ann.get('action', '')))
    return out


def make_grid(splits: list[str], num: int, seed: int, data_root: str | None = None,
              raw: bool = False, scale: float = 1.0) -> np.ndarray:
    """A (rows = splits) x (columns = samples) picture, uint8 BGR."""
    rows = []
    for split in splits:
        tiles = []
        for img, kpts, action in load_samples(split, num, seed, data_root):
            tile = img if raw else draw_skeleton(img, kpts)
            if scale != 1.0:
                tile = cv2.resize(tile, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            tile = np.ascontiguousarray(tile)
            _label(tile, f'{split} {action}')
            tiles.append(cv2.copyMakeBorder(tile, 1, 1, 1, 1, cv2.BORDER_CONSTANT,
                                            value=(255, 255, 255)))
        rows.append(np.concatenate(tiles, axis=1))
    width = max(r.shape[1] for r in rows)
    rows = [cv2.copyMakeBorder(r, 0, 0, 0, width - r.shape[1], cv2.BORDER_CONSTANT,
                               value=(255, 255, 255)) for r in rows]
    return np.concatenate(rows, axis=0)


def save_palette_png(img: np.ndarray, path: str, colours: int) -> None:
    """Save BGR ``img`` as a ``colours``-colour PNG (median cut, no dithering)."""
    from PIL import Image  # optional: only for this option

    rgb = Image.fromarray(np.ascontiguousarray(img[..., ::-1]))
    pal = rgb.quantize(colors=colours, method=Image.Quantize.MEDIANCUT,
                       dither=Image.Dither.NONE)
    pal.save(path, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default='work_dirs/synthetic_samples.png')
    parser.add_argument('--splits', nargs='+',
                        default=['lab_train', 'wild_train', 'lab_test', 'wild_test'])
    parser.add_argument('--num', type=int, default=6, help='samples per split')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--data-root', default=None, help='read an existing cache instead')
    parser.add_argument('--scale', type=float, default=1.0, help='resize each tile')
    parser.add_argument('--raw', action='store_true', help='do not draw the skeleton')
    parser.add_argument('--palette', type=int, default=0,
                        help='save an N-colour palette PNG (2..256; 0: full colour)')
    args = parser.parse_args()
    if args.num < 1:
        raise ValueError(f'--num must be >= 1, got {args.num}')
    if not 0.1 <= args.scale <= 4:
        raise ValueError(f'--scale must be in [0.1, 4], got {args.scale}')
    if args.palette and not 2 <= args.palette <= 256:
        raise ValueError(f'--palette must be in [2, 256] (or 0), got {args.palette}')
    grid = make_grid(args.splits, args.num, args.seed, args.data_root, args.raw, args.scale)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    if args.palette:
        save_palette_png(grid, args.out, args.palette)
    elif not cv2.imwrite(args.out, grid, [cv2.IMWRITE_PNG_COMPRESSION, 9]):
        raise OSError(f'cannot write {args.out}')
    print(f'saved {grid.shape[1]}x{grid.shape[0]} px to {args.out} '
          f'({osp.getsize(args.out) / 1024:.0f} KB)')


if __name__ == '__main__':
    run_cli(main)
