import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest

from wildpose.datasets import SyntheticPoseDataset
from wildpose.datasets.synthetic import generate
from wildpose.datasets.synthetic.camera import Camera, project
from wildpose.datasets.synthetic.poses import (ACTIVITIES, global_rotation, sample_pose,
                                               sample_subject)
from wildpose.datasets.synthetic.render import lab_background
from wildpose.registry import DATASETS

N = 12
SIZE = (192, 192)


@pytest.fixture(scope='module')
def root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('synth'))
    for split in generate.SPLITS:
        SyntheticPoseDataset(root, split, N, seed=3, progress=False)
    return root


def _coco(root, split):
    with open(osp.join(root, split, 'annotations.json')) as f:
        return json.load(f)


def test_unknown_split_lists_valid_ones(tmp_path):
    with pytest.raises(ValueError, match='lab_train.*wild_train.*lab_test.*wild_test'):
        SyntheticPoseDataset(str(tmp_path), 'wild_val', 4, progress=False)
    assert not os.listdir(tmp_path)


def test_rejects_arguments_it_sets_itself(tmp_path):
    with pytest.raises(TypeError, match='ann_file'):
        SyntheticPoseDataset(str(tmp_path), 'lab_train', 2, ann_file='x.json', progress=False)


def test_deterministic_images_and_annotations(tmp_path):
    a, b = tmp_path / 'a', tmp_path / 'b'
    for d in (a, b):
        d.mkdir()
        generate.write_split(str(d), 'wild_train', 5, seed=7, progress=False)
    assert (a / 'annotations.json').read_bytes() == (b / 'annotations.json').read_bytes()
    for name in sorted(os.listdir(a / 'images')):
        assert (a / 'images' / name).read_bytes() == (b / 'images' / name).read_bytes()
    s1 = generate.render_sample(7, 'lab_train', 2)
    s2 = generate.render_sample(8, 'lab_train', 2)
    assert not np.allclose(s1.keypoints_3d, s2.keypoints_3d)  # the seed matters


def test_splits_never_share_samples(root):
    poses = {split: np.array([a['keypoints'] for a in _coco(root, split)['annotations']])
             for split in generate.SPLITS}
    splits = list(poses)
    for i, s in enumerate(splits):
        for t in splits[i + 1:]:
            for p in poses[s]:
                assert np.abs(poses[t] - p).max(axis=1).min() > 1.0, (s, t)


def test_wild_train_has_no_3d_anywhere(root):
    text = open(osp.join(root, 'wild_train', 'annotations.json')).read()
    assert 'keypoints_3d' not in text
    ds = SyntheticPoseDataset(root, 'wild_train', N, seed=3, progress=False)
    assert len(ds) == N
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        assert info['has_3d'] is False and 'keypoints_3d' not in info
        assert info['domain'] == 'wild'


@pytest.mark.parametrize('split,domain', [('lab_train', 'lab'), ('lab_test', 'lab'),
                                          ('wild_test', 'wild')])
def test_3d_splits(root, split, domain):
    ds = SyntheticPoseDataset(root, split, N, seed=3, progress=False)
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        assert info['has_3d'] is True and info['keypoints_3d'].shape == (16, 3)
        assert info['domain'] == domain and info['action'] in ACTIVITIES
        assert osp.isfile(info['img_path'])
        x1, y1, x2, y2 = info['bbox']
        assert 0 <= x1 < x2 <= SIZE[0] - 1 and 0 <= y1 < y2 <= SIZE[1] - 1
        vis = info['keypoints_visible'] > 0
        kp = info['keypoints'][vis]
        assert np.all(kp >= info['bbox'][:2] - 1e-3) and np.all(kp <= info['bbox'][2:] + 1e-3)


@pytest.mark.parametrize('split', ['lab_train', 'lab_test', 'wild_test'])
def test_stored_camera_projects_3d_onto_2d(root, split):
    coco = _coco(root, split)
    images = {im['id']: im for im in coco['images']}
    n_outside = 0
    for ann in coco['annotations']:
        im = images[ann['image_id']]
        cam = Camera.from_dict(im['cam'])
        k3d = np.array(ann['keypoints_3d']).reshape(16, 4)
        kp = np.array(ann['keypoints']).reshape(16, 3)
        assert np.all(k3d[:, 3] == 1) and np.all(k3d[:, 2] > 1000)
        np.testing.assert_allclose(project(k3d[:, :3], cam), kp[:, :2], atol=0.01)
        inside = ((kp[:, 0] >= 0) & (kp[:, 0] <= im['width'] - 1) &
                  (kp[:, 1] >= 0) & (kp[:, 1] <= im['height'] - 1))
        np.testing.assert_array_equal(kp[:, 2], np.where(inside, 2, 0))
        n_outside += int((~inside).sum())
        assert ann['action'] in ACTIVITIES and ann['iscrowd'] == 0 and ann['category_id'] == 1
    if split.startswith('lab'):
        assert n_outside == 0  # the lab frames everyone fully


def test_bone_lengths_are_human():
    rng = np.random.default_rng(0)
    for _ in range(200):
        subj = sample_subject(rng)
        J = sample_pose(subj, rng, jitter=1.0).joints
        length = lambda a, b: np.linalg.norm(J[a] - J[b])  # noqa: E731
        for (a, b), (c, d), lo, hi in [((2, 1), (3, 4), 350, 550), ((1, 0), (4, 5), 340, 540),
                                       ((12, 11), (13, 14), 220, 350),
                                       ((11, 10), (14, 15), 190, 310)]:
            assert lo < length(a, b) < hi
            assert abs(length(a, b) - length(c, d)) < 1e-6  # left and right match
        assert 380 < length(6, 8) < 620


def test_body_frame_handedness_and_facing():
    rng = np.random.default_rng(1)
    for _ in range(50):
        pose = sample_pose(sample_subject(rng), rng)
        J = pose.joints
        # facing the camera (-z), the person's left is at +x (the image's right)
        assert J[3, 0] > J[2, 0]
        front = np.cross(J[8] - J[6], J[12] - J[13])
        rot = global_rotation(rng, 10, 5)
        turned = pose.rotated(rot, np.zeros(3))
        front_t = np.cross(turned.joints[8] - turned.joints[6],
                           turned.joints[12] - turned.joints[13])
        np.testing.assert_allclose(front_t, rot @ front, atol=1e-6)  # no mirroring
        assert np.dot(pose.pelvis_front, [0, 0, -1]) == 1.0


def test_images_have_the_right_size_and_domains_differ(root):
    border_std = {}
    for split in ('lab_train', 'wild_train'):
        stds = []
        for im in _coco(root, split)['images']:
            img = cv2.imread(osp.join(root, split, 'images', im['file_name']))
            assert img is not None and img.shape == (SIZE[1], SIZE[0], 3)
            frame = np.concatenate([img[:8].reshape(-1, 3), img[-8:].reshape(-1, 3),
                                    img[:, :8].reshape(-1, 3), img[:, -8:].reshape(-1, 3)])
            stds.append(frame.astype(np.float64).std(0).mean())
        border_std[split] = np.mean(stds)
    assert border_std['lab_train'] < 15
    assert border_std['wild_train'] > 3 * border_std['lab_train']


def test_person_is_drawn_at_the_joints(root):
    bg = lab_background(SIZE).astype(np.float64)
    for split in ('lab_train', 'lab_test'):
        for im, ann in zip(_coco(root, split)['images'], _coco(root, split)['annotations']):
            img = cv2.imread(osp.join(root, split, 'images', im['file_name'])).astype(np.float64)
            kp = np.array(ann['keypoints']).reshape(16, 3)
            for j in (6, 7, 2, 3):  # pelvis, thorax, hips: inside the body
                x, y = np.round(kp[j, :2]).astype(int)
                assert np.abs(img[y, x] - bg[y, x]).sum() > 60, (split, im['id'], j)
            # far from the person, the lab image is the plain backdrop
            assert np.abs(img[2:6, 2:6] - bg[2:6, 2:6]).max() < 12


def test_manifest_mismatch_regenerates(tmp_path, monkeypatch):
    root = str(tmp_path)
    d = generate.ensure_split(root, 'lab_test', 3, seed=1, progress=False)
    assert len(_coco(root, 'lab_test')['images']) == 3
    calls = []
    real = generate.write_split
    monkeypatch.setattr(generate, 'write_split', lambda *a, **k: calls.append(a) or real(*a, **k))
    assert generate.ensure_split(root, 'lab_test', 3, seed=1, progress=False) == d
    assert calls == []  # the cache is reused
    generate.ensure_split(root, 'lab_test', 4, seed=1, progress=False)
    assert len(calls) == 1 and len(_coco(root, 'lab_test')['images']) == 4
    with open(osp.join(d, 'manifest.json')) as f:
        manifest = json.load(f)
    manifest['generator_version'] = '0.0'
    with open(osp.join(d, 'manifest.json'), 'w') as f:
        json.dump(manifest, f)
    generate.ensure_split(root, 'lab_test', 4, seed=1, progress=False)
    assert len(calls) == 2 and generate.read_manifest(d)['generator_version'] == \
        generate.GENERATOR_VERSION
    assert sorted(os.listdir(root)) == ['lab_test']  # no temporary or old folders left


@pytest.mark.parametrize('tamper', ['annotation', 'image', 'manifest params'])
def test_a_tampered_cache_is_not_trusted(tmp_path, monkeypatch, tamper):
    """Before: only the manifest's parameters were compared, so edited annotations or
    images were read as the benchmark."""
    root = str(tmp_path)
    d = generate.ensure_split(root, 'lab_test', 3, seed=1, progress=False)
    manifest = generate.read_manifest(d)
    assert len(manifest['params_sha256']) == 64 and len(manifest['content_sha256']) == 64
    original = open(osp.join(d, 'annotations.json'), 'rb').read()
    if tamper == 'annotation':
        coco = _coco(root, 'lab_test')
        coco['annotations'][0]['keypoints'][0] += 5.0
        with open(osp.join(d, 'annotations.json'), 'w') as f:
            json.dump(coco, f, separators=(',', ':'))
    elif tamper == 'image':
        first = sorted(os.listdir(osp.join(d, 'images')))[0]
        with open(osp.join(d, 'images', first), 'ab') as f:
            f.write(b'\0')
    else:   # parameters edited without changing their checksum
        manifest['seed'] = 2
        with open(osp.join(d, 'manifest.json'), 'w') as f:
            json.dump(manifest, f)
    assert generate.cache_state(d, generate.manifest_for('lab_test', 3, 1, (192, 192))) != 'valid'
    calls = []
    real = generate.write_split
    monkeypatch.setattr(generate, 'write_split', lambda *a, **k: calls.append(a) or real(*a, **k))
    generate.ensure_split(root, 'lab_test', 3, seed=1, progress=False)
    assert len(calls) == 1   # generated again
    assert open(osp.join(d, 'annotations.json'), 'rb').read() == original
    assert generate.cache_state(d, generate.manifest_for('lab_test', 3, 1, (192, 192))) == 'valid'


def test_interrupted_generation_leaves_no_half_cache(tmp_path, monkeypatch):
    root = str(tmp_path)
    real = generate.render_sample
    count = []

    def flaky(*args, **kwargs):
        count.append(1)
        if len(count) > 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(generate, 'render_sample', flaky)
    with pytest.raises(KeyboardInterrupt):
        generate.ensure_split(root, 'wild_train', 5, progress=False)
    assert os.listdir(root) == []
    # an interrupted regeneration keeps the previous complete cache
    monkeypatch.setattr(generate, 'render_sample', real)
    generate.ensure_split(root, 'wild_train', 2, progress=False)
    count.clear()
    monkeypatch.setattr(generate, 'render_sample', flaky)
    with pytest.raises(KeyboardInterrupt):
        generate.ensure_split(root, 'wild_train', 5, progress=False)
    assert os.listdir(root) == ['wild_train']
    assert generate.read_manifest(osp.join(root, 'wild_train'))['num_samples'] == 2


def test_built_from_the_registry_with_a_pipeline(root):
    ds = DATASETS.build(dict(type='SyntheticPoseDataset', data_root=root, split='lab_test',
                             num_samples=N, seed=3, progress=False, pipeline=[],
                             test_mode=True))
    item = ds[0]
    assert item['domain'] == 'lab' and item['has_3d']
    assert ds.metainfo['num_joints'] == 16


def test_stale_temporary_folders_are_cleaned(tmp_path):
    stale, fresh = tmp_path / '.lab_test.tmp-old', tmp_path / '.lab_test.tmp-new'
    stale.mkdir()
    fresh.mkdir()
    os.utime(stale, (1e9, 1e9))
    generate.ensure_split(str(tmp_path), 'lab_test', 2, progress=False)
    assert not stale.exists() and fresh.exists()  # fresh: maybe another run in progress
