"""Sampling one synthetic image, writing a split to disk, and the on-disk cache.

A split lives in ``data_root/<split>/``: ``annotations.json`` (COCO-style, read by
:class:`wildpose.datasets.Coco3DDataset`), ``images/NNNNNN.jpg`` and ``manifest.json``
(generator version, split, seed, num_samples, image size, the checksum of these
parameters and of the files written). The folder is written under a temporary name and
renamed when complete, so an interrupted run never leaves a half cache; a manifest that
differs from the request (stale) or files that no longer match its checksum (tampered)
trigger regeneration.

Every sample has its own random stream, ``SeedSequence([seed, crc32(split), 0, index])``,
so splits never share samples and the first N samples do not depend on ``num_samples``.
"""
from __future__ import annotations

import hashlib
import json
import os
import os.path as osp
import shutil
import tempfile
import time
import zlib
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from ...structures.skeleton import BONES, JOINT_NAMES, NUM_JOINTS
from .camera import Camera, place_person, project
from .domains import DOMAINS, Appearance, DomainStyle, sample_appearance
from .poses import Pose, Subject, global_rotation, sample_pose, sample_subject
from .render import add_occluders, degrade, draw_person, lab_background, wild_background

GENERATOR_VERSION = '1.0'
#: split name -> (domain, whether the JSON holds keypoints_3d)
SPLITS: dict[str, tuple[str, bool]] = {
    'lab_train': ('lab', True), 'wild_train': ('wild', False),
    'lab_test': ('lab', True), 'wild_test': ('wild', True)}
REFERENCE_HEIGHT_MM = 1750.0
MIN_VISIBLE = 8


@dataclass
class Sample:
    """One rendered person. ``keypoints`` (J, 3): u, v image px and visibility (2 inside
    the image, 0 outside); ``keypoints_3d`` (J, 3) camera frame, mm; ``bbox`` x, y, w, h."""
    img: np.ndarray
    keypoints: np.ndarray
    keypoints_3d: np.ndarray
    bbox: np.ndarray
    cam: Camera
    action: str
    subject: int


def check_split(split: str) -> tuple[str, bool]:
    if split not in SPLITS:
        raise ValueError(f"unknown synthetic split '{split}'; valid splits: "
                         f"{', '.join(SPLITS)}")
    return SPLITS[split]


def _rng(seed: int, split: str, *tail: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(
        [int(seed) & 0xFFFFFFFF, zlib.crc32(split.encode()), *tail]))


def _lab_subject(seed: int, split: str, k: int) -> tuple[Subject, Appearance, bool]:
    rng = _rng(seed, split, 1, k)
    return sample_subject(rng), sample_appearance(DOMAINS['lab'], rng), bool(rng.random() < 0.3)


def render_sample(seed: int, split: str, index: int,
                  image_size: tuple[int, int] = (192, 192)) -> Sample:
    """Sample and render person ``index`` of ``split`` (deterministic)."""
    domain, _ = check_split(split)
    style: DomainStyle = DOMAINS[domain]
    rng = _rng(seed, split, 0, index)
    w, h = image_size
    if style.num_subjects > 0:
        subject_id = int(rng.integers(style.num_subjects))
        subject, look, sleeves = _lab_subject(seed, split, subject_id)
    else:
        subject_id = -1
        subject, look = sample_subject(rng), sample_appearance(style, rng)
        sleeves = bool(rng.random() < 0.4)
    for _ in range(50):
        pose = sample_pose(subject, rng, jitter=style.pose_jitter)
        body = pose.rotated(global_rotation(rng, style.pitch_std, style.roll_std), np.zeros(3))
        f = rng.uniform(*style.focal) * w
        jit = 0.03 * w if style.name == 'wild' else 0.0
        cam = Camera(f, f, (w - 1) / 2 + rng.uniform(-jit, jit),
                     (h - 1) / 2 + rng.uniform(-jit, jit))
        distance = f * REFERENCE_HEIGHT_MM / (rng.uniform(*style.person_scale) * h)
        cj = style.centre_jitter
        centre = ((w - 1) / 2 + rng.uniform(-cj, cj) * w, (h - 1) / 2 + rng.uniform(-cj, cj) * h)
        posed: Pose = body.rotated(np.eye(3), place_person(body.joints, cam, distance, centre))
        uv = project(posed.joints, cam)
        inside = (uv[:, 0] >= 0) & (uv[:, 0] <= w - 1) & (uv[:, 1] >= 0) & (uv[:, 1] <= h - 1)
        if inside.sum() >= MIN_VISIBLE:
            break
    img = lab_background((w, h)) if style.name == 'lab' else wild_background((w, h), rng)
    draw_person(img, posed, subject, look, cam, long_sleeves=sleeves)
    margin = cam.fx * 90.0 / posed.joints[6, 2]
    lo = np.clip(uv[inside].min(0) - margin, 0, [w - 1, h - 1])
    hi = np.clip(uv[inside].max(0) + margin, 0, [w - 1, h - 1])
    if rng.random() < style.occluder_prob:
        add_occluders(img, uv[inside], float(np.max(hi - lo)), rng)
    img = degrade(img, style, rng)
    kpts = np.concatenate([uv, np.where(inside, 2.0, 0.0)[:, None]], axis=1)
    return Sample(img, kpts, posed.joints.copy(), np.concatenate([lo, hi - lo]), cam,
                  pose.activity, subject_id)


def _round(a: np.ndarray, nd: int) -> list[float]:
    return [round(float(v), nd) for v in np.asarray(a).ravel()]


def _render_and_write(out_dir: str, split: str, seed: int, image_size: tuple[int, int],
                      index: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Render sample ``index``, write its JPEG; return its COCO image and annotation."""
    _, with_3d = check_split(split)
    style = DOMAINS[check_split(split)[0]]
    s = render_sample(seed, split, index, image_size)
    name = f'{index:06d}.jpg'
    quality = int(_rng(seed, split, 2, index).integers(style.jpeg_quality[0],
                                                       style.jpeg_quality[1] + 1))
    if not cv2.imwrite(osp.join(out_dir, 'images', name), s.img,
                       [cv2.IMWRITE_JPEG_QUALITY, quality]):
        raise OSError(f'cannot write {osp.join(out_dir, "images", name)}')
    image = dict(id=index + 1, file_name=name, width=image_size[0], height=image_size[1],
                 cam=s.cam.as_dict())
    ann: dict[str, Any] = dict(
        id=index + 1, image_id=index + 1, category_id=1, iscrowd=0,
        keypoints=_round(s.keypoints, 3), num_keypoints=int((s.keypoints[:, 2] > 0).sum()),
        bbox=_round(s.bbox, 2), area=round(float(s.bbox[2] * s.bbox[3]), 2),
        action=s.action, subject=s.subject)
    if with_3d:
        k3d = np.concatenate([s.keypoints_3d, np.ones((NUM_JOINTS, 1))], axis=1)
        ann['keypoints_3d'] = _round(k3d, 3)
    return image, ann


def _render_range(job: tuple[str, str, int, tuple[int, int], int, int]) -> list[tuple]:
    out_dir, split, seed, image_size, start, stop = job
    return [_render_and_write(out_dir, split, seed, image_size, i) for i in range(start, stop)]


def write_split(out_dir: str, split: str, num_samples: int, seed: int = 0,
                image_size: tuple[int, int] = (192, 192), progress: bool = True,
                workers: int | None = None) -> None:
    """Render ``num_samples`` samples of ``split`` into ``out_dir`` (which must exist).

    ``workers`` processes render in parallel (default: one per CPU core, at most 8);
    every sample has its own random stream, so the files do not depend on it.
    """
    domain, _ = check_split(split)
    os.makedirs(osp.join(out_dir, 'images'), exist_ok=True)
    workers = max(1, min(workers or os.cpu_count() or 1, 8))
    chunk = 64
    jobs = [(out_dir, split, seed, image_size, start, min(start + chunk, num_samples))
            for start in range(0, num_samples, chunk)]
    bar = None
    if progress:
        from mmengine.utils import ProgressBar
        print(f'generating synthetic split {split} ({num_samples} samples, {workers} '
              f'processes) ...')
        bar = ProgressBar(num_samples)
    images, anns = [], []

    def collect(rows: list[tuple]) -> None:
        for image, ann in rows:
            images.append(image)
            anns.append(ann)
            if bar is not None:
                bar.update()

    if workers == 1 or len(jobs) == 1:
        for job in jobs:
            collect(_render_range(job))
    else:
        import multiprocessing as mp
        with mp.get_context('fork').Pool(workers) as pool:
            for rows in pool.imap(_render_range, jobs):  # in order
                collect(rows)
    if bar is not None:
        print()
    coco = dict(
        info=dict(description='wildpose synthetic lab/wild benchmark', domain=domain,
                  split=split, seed=seed, generator_version=GENERATOR_VERSION),
        images=images, annotations=anns,
        categories=[dict(id=1, name='person', supercategory='person',
                         keypoints=list(JOINT_NAMES), skeleton=[list(b) for b in BONES])])
    with open(osp.join(out_dir, 'annotations.json'), 'w') as f:
        json.dump(coco, f, separators=(',', ':'))


def manifest_for(split: str, num_samples: int, seed: int,
                 image_size: tuple[int, int]) -> dict[str, Any]:
    """The generating parameters, with the generator version and their checksum."""
    params = dict(generator_version=GENERATOR_VERSION, split=split, seed=int(seed),
                  num_samples=int(num_samples), image_size=[int(image_size[0]),
                                                            int(image_size[1])])
    encoded = json.dumps(params, sort_keys=True).encode()
    return dict(params, params_sha256=hashlib.sha256(encoded).hexdigest())


def content_sha256(split_dir: str) -> str:
    """SHA-256 of what a split holds: annotations.json and every image (name and bytes)."""
    digest = hashlib.sha256()
    image_dir = osp.join(split_dir, 'images')
    names = sorted(os.listdir(image_dir)) if osp.isdir(image_dir) else []
    for rel in ['annotations.json'] + [osp.join('images', n) for n in names]:
        digest.update(rel.encode() + b'\0')
        try:
            with open(osp.join(split_dir, rel), 'rb') as f:
                digest.update(f.read())
        except OSError:
            digest.update(b'<missing>')
    return digest.hexdigest()


def read_manifest(split_dir: str) -> dict[str, Any] | None:
    path = osp.join(split_dir, 'manifest.json')
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def cache_state(split_dir: str, wanted: dict[str, Any]) -> str:
    """'valid', 'missing', 'stale' (other parameters or generator version) or 'tampered'
    (the files changed after they were written)."""
    have = read_manifest(split_dir)
    if have is None:
        return 'missing'
    content = have.pop('content_sha256', None)
    if have != wanted:
        return 'stale'
    return 'valid' if content == content_sha256(split_dir) else 'tampered'


def ensure_split(data_root: str, split: str, num_samples: int, seed: int = 0,
                 image_size: tuple[int, int] = (192, 192), progress: bool = True) -> str:
    """Return ``data_root/<split>``, generating it first unless its manifest matches."""
    check_split(split)
    if num_samples < 1:
        raise ValueError(f'num_samples must be >= 1, got {num_samples}')
    image_size = (int(image_size[0]), int(image_size[1]))
    if min(image_size) < 32:
        raise ValueError(f'image_size must be at least 32 x 32 px, got {image_size}')
    data_root = osp.abspath(data_root)
    split_dir = osp.join(data_root, split)
    wanted = manifest_for(split, num_samples, seed, image_size)
    state = cache_state(split_dir, wanted)
    if state == 'valid':
        return split_dir
    if state == 'tampered':
        from mmengine.logging import MMLogger
        MMLogger.get_current_instance().warning(
            f'{split_dir}: the cached files changed after they were generated (checksum in '
            'manifest.json); not trusted: generating the split again')
    os.makedirs(data_root, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f'.{split}.tmp-', dir=data_root)
    os.chmod(tmp, 0o755)
    try:
        write_split(tmp, split, num_samples, seed, image_size, progress)
        with open(osp.join(tmp, 'manifest.json'), 'w') as f:
            json.dump(dict(wanted, content_sha256=content_sha256(tmp)), f, indent=1)
        old = None
        if cache_state(split_dir, wanted) == 'valid':  # another process finished meanwhile
            return split_dir
        if osp.exists(split_dir):
            old = tempfile.mkdtemp(prefix=f'.{split}.old-', dir=data_root)
            os.rename(split_dir, osp.join(old, split))
        try:
            os.rename(tmp, split_dir)
        except OSError:  # another process finished first
            if cache_state(split_dir, wanted) != 'valid':
                raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if osp.exists(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
    _remove_stale(data_root, split)
    return split_dir


def _remove_stale(data_root: str, split: str, max_age_s: float = 86400.0) -> None:
    """Delete temporary folders of ``split`` left by runs killed over a day ago."""
    now = time.time()
    for name in os.listdir(data_root):
        if name.startswith((f'.{split}.tmp-', f'.{split}.old-')):
            path = osp.join(data_root, name)
            try:
                if now - os.path.getmtime(path) > max_age_s:
                    shutil.rmtree(path, ignore_errors=True)
            except OSError:
                pass
