"""MPII Human Pose official annotations (.mat) -> the top-down JSON list wildpose reads.

    python tools/dataset_converters/mpii_mat_to_json.py \\
        mpii_human_pose_v1_u12_1.mat data/mpii/annotations [--val-images val_images.txt]

Writes ``mpii_train.json`` (and ``mpii_val.json`` when ``--val-images`` lists the image
names of a validation split, one per line), one entry per annotated person of the
training images::

    {"image": "015601864.jpg", "center": [x, y], "scale": s, "joints": [[x, y] x 16],
     "joints_vis": [0/1 x 16], "head_box": [x1, y1, x2, y2]}

Coordinates stay MATLAB 1-based, as in the files MMPose and HRNet distribute (wildpose's
``MpiiDataset`` shifts them). ``joints_vis`` is 1 for every annotated joint (occluded
ones included); unannotated joints are [-1, -1] with ``joints_vis`` 0. ``head_box``
gives PCKh its head size, so the converted validation list needs no ``mpii_gt_val.mat``.
People without ``scale`` / ``objpos`` or without any joint are left out.
Reading the .mat needs scipy (optional: ``pip install scipy``).
"""
from __future__ import annotations

import argparse
import json
import os
import os.path as osp
from typing import Any, Iterable

import numpy as np

NUM_JOINTS = 16  # MPII joint ids 0..15 are wildpose's order


# ------------------------------------------------------------------ pure conversion
def person_entry(image: str, person: dict[str, Any]) -> dict[str, Any] | None:
    """One person record -> a JSON entry, or None if it cannot be used.

    ``person``: ``scale`` (float), ``center`` (x, y), ``head_box`` (x1, y1, x2, y2) or
    None, ``points``: {joint id: (x, y)} (1-based px).
    """
    scale, center, points = person.get('scale'), person.get('center'), person.get('points')
    if scale is None or center is None or not points or not np.isfinite(scale) or scale <= 0:
        return None
    joints = np.full((NUM_JOINTS, 2), -1.0)
    vis = np.zeros(NUM_JOINTS, int)
    for jid, (x, y) in points.items():
        if 0 <= int(jid) < NUM_JOINTS:
            joints[int(jid)] = (float(x), float(y))
            vis[int(jid)] = 1
    entry = dict(image=image, center=[float(center[0]), float(center[1])], scale=float(scale),
                 joints=joints.tolist(), joints_vis=vis.tolist())
    if person.get('head_box') is not None:
        entry['head_box'] = [float(v) for v in person['head_box']]
    return entry


def records_to_entries(records: Iterable[dict[str, Any]], val_images: set[str] = frozenset()
                       ) -> tuple[list[dict], list[dict]]:
    """Image records -> (train entries, val entries).

    ``records``: dicts with ``image`` (file name), ``is_train`` (bool: the image has
    training annotations) and ``people`` (list of :func:`person_entry` records).
    Images named in ``val_images`` go to the validation list.
    """
    train, val = [], []
    for rec in records:
        if not rec.get('is_train'):
            continue
        for person in rec.get('people', []):
            entry = person_entry(rec['image'], person)
            if entry is not None:
                (val if rec['image'] in val_images else train).append(entry)
    return train, val


# ------------------------------------------------------------------ the .mat file
def _items(x: Any) -> list:
    """A MATLAB struct array / cell / single struct as a list (empty for [])."""
    if x is None:
        return []
    if isinstance(x, np.ndarray):
        return list(x.ravel())
    return [x]


def _num(obj: Any, name: str) -> float | None:
    value = getattr(obj, name, None)
    arr = np.asarray(value, dtype=float).ravel() if value is not None else np.zeros(0)
    return float(arr[0]) if arr.size else None


def load_release_mat(path: str) -> list[dict[str, Any]]:
    """Read ``mpii_human_pose_v1_u12_1.mat`` into the records :func:`records_to_entries`
    takes."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'MPII annotation file not found: {path}')
    try:
        from scipy.io import loadmat
    except ImportError as err:
        raise ImportError(f'reading {path} needs scipy (optional): pip install scipy'
                          ) from err
    release = loadmat(path, struct_as_record=False, squeeze_me=True)['RELEASE']
    is_train = np.asarray(release.img_train).ravel()
    records = []
    for i, ann in enumerate(_items(release.annolist)):
        people = []
        for rect in _items(getattr(ann, 'annorect', None)):
            points = {}
            annopoints = getattr(rect, 'annopoints', None)
            for p in _items(getattr(annopoints, 'point', None)):
                jid, x, y = _num(p, 'id'), _num(p, 'x'), _num(p, 'y')
                if None not in (jid, x, y):
                    points[int(jid)] = (x, y)
            objpos = getattr(rect, 'objpos', None)
            ox, oy = _num(objpos, 'x'), _num(objpos, 'y')
            box = [_num(rect, k) for k in ('x1', 'y1', 'x2', 'y2')]
            people.append(dict(scale=_num(rect, 'scale'),
                               center=None if None in (ox, oy) else (ox, oy),
                               head_box=None if None in box else box, points=points))
        records.append(dict(image=str(ann.image.name), is_train=bool(is_train[i]),
                            people=people))
    return records


def main(argv: list[str] | None = None) -> None:
    from wildpose.datasets.provenance import file_sha256, write_provenance

    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('mat', help='mpii_human_pose_v1_u12_1.mat')
    parser.add_argument('out_dir', help='e.g. data/mpii/annotations')
    parser.add_argument('--val-images', help='text file: image names of the validation split')
    args = parser.parse_args(argv)
    val_images: set[str] = set()
    if args.val_images:
        with open(args.val_images) as f:
            val_images = {line.strip() for line in f if line.strip()}
    train, val = records_to_entries(load_release_mat(args.mat), val_images)
    os.makedirs(args.out_dir, exist_ok=True)
    for name, entries in (('mpii_train.json', train), ('mpii_val.json', val)):
        if entries:
            with open(osp.join(args.out_dir, name), 'w') as f:
                json.dump(entries, f)
            write_provenance(osp.join(args.out_dir, name), 'mpii_mat_to_json', dict(
                mat=osp.basename(args.mat), mat_sha256=file_sha256(args.mat),
                val_images=sorted(val_images)))
            print(f'{osp.join(args.out_dir, name)}: {len(entries)} people')


if __name__ == '__main__':
    main()
