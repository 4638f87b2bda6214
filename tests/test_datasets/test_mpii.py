import json
import os.path as osp

import numpy as np
import pytest
from real_format_fixtures import nearest_colour, write_mpii_json

from wildpose.datasets import AnnotationError, MpiiDataset
from wildpose.datasets.mpii_dataset import head_size_from_boxes, read_mpii_gt_mat
from wildpose.registry import TRANSFORMS
from wildpose.structures.skeleton import flip_indices


def _dataset(root, name='mpii.json', **kwargs):
    return MpiiDataset(ann_file=name, data_root=root, data_prefix=dict(img='images/'),
                       **kwargs)


def test_fields_units_and_box(tmp_path):
    root = str(tmp_path)
    entries = write_mpii_json(root)
    ds = _dataset(root)
    assert len(ds) == 3
    info = ds.get_data_info(0)
    e = entries[0]
    assert info['img_path'] == osp.join(root, 'images', e['image']) and info['img_id'] == 1
    # 1-based MATLAB coordinates -> 0-based image px
    np.testing.assert_allclose(info['keypoints'][:15], np.array(e['joints'])[:15] - 1,
                               rtol=1e-6)
    np.testing.assert_array_equal(info['keypoints_visible'], [1] * 15 + [0])
    assert info['has_3d'] is False and 'keypoints_3d' not in info
    assert info['domain'] == 'mpii' and info['action'] == ''
    side = 200 * e['scale']
    cx, cy = e['center'][0] - 1, e['center'][1] - 1 + 15 * e['scale']
    np.testing.assert_allclose(info['bbox'], [cx - side / 2, cy - side / 2, cx + side / 2,
                                              cy + side / 2], rtol=1e-5)
    assert info['head_size'] == pytest.approx(0.6 * 50.0)   # 0.6 x head-box diagonal
    plain = _dataset(root, one_based=False, center_shift=0)
    np.testing.assert_allclose(plain.get_data_info(0)['keypoints'][:15],
                               np.array(e['joints'])[:15], rtol=1e-6)


def test_head_size_rule():
    np.testing.assert_allclose(head_size_from_boxes([[0, 0, 3, 4], [1, 1, 7, 9]]),
                               [3.0, 6.0])


def test_without_head_boxes_there_is_no_head_size(tmp_path):
    write_mpii_json(str(tmp_path), head_box=False)
    assert 'head_size' not in _dataset(str(tmp_path)).get_data_info(0)


def test_headbox_mat_needs_scipy_or_is_read(tmp_path):
    write_mpii_json(str(tmp_path), head_box=False)
    try:
        import scipy.io
    except ImportError:
        (tmp_path / 'gt.mat').write_bytes(b'x')
        with pytest.raises(ImportError, match=r'gt\.mat needs scipy'):
            _dataset(str(tmp_path), headbox_file='gt.mat')
        pytest.skip('scipy not installed: the .mat branch cannot be exercised further')
    entries = json.loads((tmp_path / 'mpii.json').read_text())
    joints = np.stack([np.array(e['joints']) for e in entries], axis=-1)      # (16, 2, N)
    boxes = np.zeros((2, 2, len(entries)))
    boxes[1] = [[30.0], [40.0]]                                               # diagonal 50
    scipy.io.savemat(str(tmp_path / 'gt.mat'), dict(
        headboxes_src=boxes, pos_gt_src=joints,
        jnt_missing=np.zeros((16, len(entries))), dataset_joints=np.zeros(16)))
    gt = read_mpii_gt_mat(str(tmp_path / 'gt.mat'))
    assert gt['head_boxes'].shape == (3, 4)
    assert _dataset(str(tmp_path), headbox_file='gt.mat').get_data_info(2)['head_size'] == \
        pytest.approx(30.0)
    scipy.io.savemat(str(tmp_path / 'gt.mat'), dict(
        headboxes_src=boxes, pos_gt_src=joints[..., ::-1] + 50,
        jnt_missing=np.zeros((16, len(entries)))))
    with pytest.raises(AnnotationError, match='not in the same order'):
        _dataset(str(tmp_path), headbox_file='gt.mat')


@pytest.mark.parametrize('edit,match', [
    (lambda e: e.pop('joints'), r"mpii\.json: entry 0 \(000000001\.jpg\) has no 'joints'"),
    (lambda e: e.update(joints=[[0, 0]] * 14), r"field '\[0\]\.joints' has shape \(14, 2\)"),
    (lambda e: e.update(scale=-1.0), r"field 'scale' is -1"),
    (lambda e: e.pop('image'), r"mpii\.json: entry 0 has no 'image' field"),
])
def test_malformed_entries(tmp_path, edit, match):
    entries = write_mpii_json(str(tmp_path))
    edit(entries[0])
    (tmp_path / 'mpii.json').write_text(json.dumps(entries))
    with pytest.raises(AnnotationError, match=match):
        _dataset(str(tmp_path))


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'annotation file not found: .*mpii\.json'):
        _dataset(str(tmp_path))
    (tmp_path / 'mpii.json').write_text('{not json')
    with pytest.raises(AnnotationError, match='cannot be read as JSON'):
        _dataset(str(tmp_path))
    write_mpii_json(str(tmp_path))
    (tmp_path / 'images' / '000000002.jpg').unlink()
    with pytest.raises(FileNotFoundError, match=r'1 of 3 samples .*000000002\.jpg'):
        _dataset(str(tmp_path))
    assert len(_dataset(str(tmp_path), missing_image='skip')) == 2


@pytest.mark.parametrize('flip,rotate', [(True, True), (False, True), (True, False)])
def test_augmented_joints_stay_on_their_image_content(tmp_path, flip, rotate):
    write_mpii_json(str(tmp_path))
    info = _dataset(str(tmp_path)).get_data_info(1)
    np.random.seed(7)
    steps = [dict(type='LoadImage'), dict(type='GetBBoxCenterScale', padding=1.25),
             dict(type='DepthFromPose3D'), dict(type='RandomMirror', prob=float(flip)),
             dict(type='RandomBBoxTransform', scale_factor=0.25, rotate_factor=30,
                  rotate_prob=float(rotate)),
             dict(type='TopdownAffine', input_size=(256, 256)),
             dict(type='RandomChannelGain', low=1.0, high=1.0),
             dict(type='GenerateTarget', encoder=dict(
                 type='HeatmapDepthCodec', input_size=(256, 256), heatmap_size=(64, 64),
                 sigma=2.0))]
    out = dict(info)
    for step in steps:
        out = TRANSFORMS.build(step)(out)
    perm = flip_indices() if flip else list(range(16))
    found = nearest_colour(out['img'], out['transformed_keypoints'])
    kpts = out['transformed_keypoints']
    inside = np.all((kpts > 8) & (kpts < 248), axis=1)     # joints may leave the crop
    check = (out['keypoints_visible'] > 0) & inside
    assert check.sum() >= 10
    np.testing.assert_array_equal(found[check], np.array(perm)[check])
    assert out['keypoints_visible'][perm.index(15)] == 0   # the unlabelled joint moved too
    assert not out['depth_weights'].any()                  # 2D-only: no depth loss
