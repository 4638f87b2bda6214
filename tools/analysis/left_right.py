"""Where a model confuses left and right: by view, by how far apart the two sides are,
and by kind.

    python tools/analysis/left_right.py DUMP [DUMP ...] [--json OUT] [--markdown OUT]

Each DUMP is a prediction dump of ``tools/test.py ... --dump`` (for instance one per
training seed); with several, each figure is the mean +- standard deviation over them.
A joint is confused as ``LeftRightMetric`` counts it (a visible limb joint whose 2D
prediction lies nearer the other side's ground truth than its own), split per domain by

- *view*: the angle, about the vertical axis, between the way the person faces (their
  ground-truth hips and shoulders) and the camera: 0 deg facing it, 90 deg seen from the
  side, 180 deg from behind; samples without 3D ground truth are left out of this split;
- *separation*: the distance between the pair's two ground-truth joints in PCK@0.05
  thresholds (0.05 x the box's longer side); below 1 the two sides lie within the
  distance that PCK accepts as correct;
- *kind*: joints of *swapped* pairs (both joints confused) against *one-sided* ones
  (one joint of the pair confused: mostly both predictions on the same limb).
"""
from __future__ import annotations

import argparse
import os.path as osp
import sys

import numpy as np

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from wildpose.evaluation.functional import left_right_confusion, percent_of  # noqa: E402
from wildpose.structures.skeleton import FLIP_PAIRS, JOINT_NAMES  # noqa: E402
from wildpose.utils.cli import emit, run_cli  # noqa: E402

VIEW_BINS_DEG = (0, 30, 60, 90, 120, 150, 180)
SEPARATION_BINS = (0.0, 1.0, 2.0, np.inf)   # in PCK@0.05 thresholds
PCK_FRACTION = 0.05


def view_angle(keypoints_3d: np.ndarray) -> np.ndarray:
    """(N, J, 3) camera-frame poses (x right, y down, z forward) -> (N,) degrees in
    [0, 180]: 0 when the person faces the camera, 180 when their back is to it.

    The person's left-pointing axis is the mean of left hip - right hip and left
    shoulder - right shoulder; facing the camera it points along +x (their left is on
    the image's right), so the view is its angle to +x in the ground (x, z) plane."""
    idx = {name: JOINT_NAMES.index(name) for name in
           ('l_hip', 'r_hip', 'l_shoulder', 'r_shoulder')}
    k = np.asarray(keypoints_3d, np.float64)
    left = (k[:, idx['l_hip']] - k[:, idx['r_hip']]
            + k[:, idx['l_shoulder']] - k[:, idx['r_shoulder']])
    return np.degrees(np.abs(np.arctan2(left[:, 2], left[:, 0])))


def confusion_splits(samples: list[dict]) -> dict[str, float]:
    """The split figures of one dump: ``<domain>/<split>/<bin>`` -> confusion in %, and
    ``.../share`` -> the bin's share of the domain's counted joints in %."""
    pred = np.stack([s['pred_keypoints'] for s in samples]).astype(np.float64)
    gt = np.stack([s['keypoints'] for s in samples]).astype(np.float64)
    visible = np.stack([s['keypoints_visible'] for s in samples]) > 0
    confused, counted = left_right_confusion(pred, gt, FLIP_PAIRS, visible)
    pairs = np.arange(confused.shape[1]) // 2   # columns a0, b0, a1, b1, ...
    swapped = (confused[:, 0::2] & confused[:, 1::2])[:, pairs]
    first = np.array([a for a, _ in FLIP_PAIRS])[pairs]
    second = np.array([b for _, b in FLIP_PAIRS])[pairs]
    threshold = PCK_FRACTION * np.stack([np.max(s['bbox_scale']) for s in samples])
    separation = np.linalg.norm(gt[:, first] - gt[:, second], axis=-1) / threshold[:, None]
    with_3d = [i for i, s in enumerate(samples) if s.get('keypoints_3d') is not None]
    view = np.full(len(samples), np.nan)
    if with_3d:
        view[with_3d] = view_angle(np.stack([samples[i]['keypoints_3d'] for i in with_3d]))
    view = np.broadcast_to(view[:, None], counted.shape)
    domains = np.array([str(s.get('domain', '')) or 'all' for s in samples])

    out: dict[str, float] = {}
    for domain in dict.fromkeys(domains):
        mine = counted & (domains == domain)[:, None]

        def put(split: str, name: str, where: np.ndarray) -> None:
            out[f'{domain}/{split}/{name}'] = percent_of(confused, mine & where)
            out[f'{domain}/{split}/{name}/share'] = percent_of(where, mine)

        put('all', 'all', np.ones_like(mine))
        for lo, hi in zip(VIEW_BINS_DEG[:-1], VIEW_BINS_DEG[1:]):
            put('view', f'{lo}-{hi} deg', (view >= lo) & ((view < hi) | (hi == 180)))
        for lo, hi in zip(SEPARATION_BINS[:-1], SEPARATION_BINS[1:]):
            put('separation', f'{lo:g}-{hi:g}', (separation >= lo) & (separation < hi))
        for kind, where in (('swapped', swapped), ('one-sided', ~swapped)):
            out[f'{domain}/kind/{kind}/share'] = percent_of(where, confused & mine)
    return out


def summarise(per_dump: list[dict[str, float]]) -> dict[str, tuple[float, float]]:
    """Mean and sample standard deviation (ddof 1, as the benchmark tables) of each
    figure over the dumps (NaN ignored; std 0 for a single value)."""
    keys = list(dict.fromkeys(k for d in per_dump for k in d))
    out = {}
    for key in keys:
        v = np.array([d.get(key, np.nan) for d in per_dump], np.float64)
        v = v[~np.isnan(v)]
        out[key] = ((float(v.mean()), float(v.std(ddof=1)) if v.size > 1 else 0.0)
                    if v.size else (np.nan, np.nan))
    return out


def to_markdown(summary: dict[str, tuple[float, float]], num_dumps: int) -> str:
    """One table per domain: split, bin, share of counted joints, confusion."""
    def fmt(mean_std: tuple[float, float]) -> str:
        mean, std = mean_std
        if np.isnan(mean):
            return 'n/a'
        return f'{mean:.1f} ± {std:.1f}' if num_dumps > 1 else f'{mean:.1f}'

    lines = []
    for domain in dict.fromkeys(k.split('/')[0] for k in summary):
        lines += [f'**{domain}**', '', '| split | bin | share of joints (%) | confused (%) |',
                  '| --- | --- | ---: | ---: |']
        for key, value in summary.items():
            parts = key.split('/')
            if parts[0] != domain or parts[-1] == 'share' and parts[1] != 'kind':
                continue
            if parts[1] == 'kind':
                lines.append(f'| kind | {parts[2]} | {fmt(value)} of the confused | |')
            else:
                lines.append(f'| {parts[1]} | {parts[2]} | '
                             f'{fmt(summary[key + "/share"])} | {fmt(value)} |')
        lines.append('')
    return '\n'.join(lines)


def main(argv: list[str] | None = None) -> dict[str, tuple[float, float]]:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('dumps', nargs='+', help='.npz files of tools/test.py --dump')
    parser.add_argument('--json', help='write {figure: [mean, std]} here')
    parser.add_argument('--markdown', help='write the tables here')
    args = parser.parse_args(argv)
    from wildpose.evaluation import load_dump

    per_dump = []
    for path in args.dumps:
        samples, _ = load_dump(path)
        for field in ('pred_keypoints', 'keypoints', 'keypoints_visible', 'bbox_scale'):
            if any(s.get(field) is None for s in samples):
                raise KeyError(f"{path}: a sample has no '{field}'")
        per_dump.append(confusion_splits(samples))
    summary = summarise(per_dump)
    text = (f'Left/right confusion of {len(args.dumps)} dump(s)'
            + (' (mean ± std over them)' if len(args.dumps) > 1 else '') + '\n\n'
            + to_markdown(summary, len(args.dumps)))
    emit(text, args.markdown, args.json, {k: list(v) for k, v in summary.items()})
    return summary


if __name__ == '__main__':
    run_cli(main)
