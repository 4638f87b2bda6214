import json

import cv2
import numpy as np
import pytest

from wildpose.datasets import AnnotationError, Coco3DDataset, CocoWildDataset
from wildpose.datasets.joint_mappings import H36M_INDEX


def _coco(tmp_path, anns, images=(1,)):
    data = dict(images=[dict(id=i, file_name=f'{i:012d}.jpg', width=64, height=64)
                        for i in images],
                annotations=anns, categories=[dict(id=1, name='person')])
    (tmp_path / 'imgs').mkdir(exist_ok=True)
    for i in images:
        cv2.imwrite(str(tmp_path / 'imgs' / f'{i:012d}.jpg'), np.zeros((64, 64, 3), np.uint8))
    (tmp_path / 'coco.json').write_text(json.dumps(data))


def _person(ann_id, kpts, bbox=(0, 0, 60, 60), **extra):
    kpts = np.asarray(kpts, float)
    ann = dict(id=ann_id, image_id=1, category_id=1, bbox=list(bbox), iscrowd=0,
               area=bbox[2] * bbox[3], keypoints=kpts.ravel().tolist(),
               num_keypoints=int((kpts[:, 2] > 0).sum()))
    ann.update(extra)
    return ann


def _kpts(seed=0):
    k = np.zeros((17, 3))
    k[:, :2] = np.random.default_rng(seed).uniform(5, 55, (17, 2))
    k[:, 2] = 2
    return k


def _dataset(tmp_path, **kwargs):
    return CocoWildDataset(ann_file='coco.json', data_root=str(tmp_path),
                           data_prefix=dict(img='imgs/'), **kwargs)


def test_coco_people_map_onto_16_joints(tmp_path):
    k = _kpts()
    k[3, 2] = 0                                            # an ear unlabelled: irrelevant
    few = _kpts(1)
    few[:12, 2] = 0                                        # only 5 labelled joints
    _coco(tmp_path, [_person(1, k), _person(2, few), _person(3, k, iscrowd=1),
                     _person(4, k, bbox=(0, 0, 10, 60))])  # box too narrow
    ds = _dataset(tmp_path)
    assert len(ds) == 1                                     # the filters dropped 2, 3, 4
    info = ds.get_data_info(0)
    assert info['has_3d'] is False and 'keypoints_3d' not in info
    assert info['domain'] == 'coco' and info['img_id'] == 1
    np.testing.assert_allclose(info['bbox'], [0, 0, 60, 60])
    np.testing.assert_allclose(info['keypoints'][0], k[16, :2], rtol=1e-6)   # r_ankle
    np.testing.assert_allclose(info['keypoints'][15], k[9, :2], rtol=1e-6)   # l_wrist
    np.testing.assert_allclose(info['keypoints'][6], (k[11, :2] + k[12, :2]) / 2, rtol=1e-6)
    np.testing.assert_array_equal(info['keypoints_visible'], [1] * 9 + [0] + [1] * 6)
    assert len(_dataset(tmp_path, min_keypoints=1)) == 2              # 1 and 2
    inv = _dataset(tmp_path, upper_neck='invisible').get_data_info(0)
    assert inv['keypoints_visible'][8] == 0 and not inv['keypoints'][8].any()


def test_coco_errors(tmp_path):
    k = _kpts()
    _coco(tmp_path, [dict(_person(1, k), keypoints=k.ravel().tolist()[:48])])
    with pytest.raises(AnnotationError, match=r"id=1 field 'keypoints' has 48 numbers, "
                                              'expected 51'):
        _dataset(tmp_path, min_keypoints=0)
    _coco(tmp_path, [_person(1, k)], images=(2,))
    with pytest.raises(AnnotationError, match="'image_id' refers to missing image 1"):
        _dataset(tmp_path)
    _coco(tmp_path, [_person(1, k)])
    (tmp_path / 'imgs' / '000000000001.jpg').unlink()
    with pytest.raises(FileNotFoundError, match=r'000000000001\.jpg'):
        _dataset(tmp_path)
    with pytest.raises(ValueError, match='upper_neck'):
        _dataset(tmp_path, upper_neck='chin')


def test_coco3d_reads_h36m_17_joint_json(tmp_path):
    rng = np.random.default_rng(0)
    k2d = np.concatenate([rng.uniform(5, 55, (17, 2)), np.ones((17, 1))], axis=1)
    k3d = np.concatenate([rng.normal(0, 300, (17, 3)) + [0, 0, 4000], np.ones((17, 1))], 1)
    ann = _person(1, k2d, keypoints_3d=k3d.ravel().tolist(), action='Eating')
    _coco(tmp_path, [ann])
    ds = Coco3DDataset(ann_file='coco.json', data_root=str(tmp_path),
                       data_prefix=dict(img='imgs/'), joint_layout='h36m17')
    info = ds.get_data_info(0)
    idx = list(H36M_INDEX)
    np.testing.assert_allclose(info['keypoints'], k2d[idx, :2], rtol=1e-6)
    expect = k3d[idx, :3].copy()
    expect[7] = (k3d[11, :3] + k3d[14, :3]) / 2
    np.testing.assert_allclose(info['keypoints_3d'], expect, rtol=1e-5)
    assert info['has_3d'] and info['action'] == 'Eating'
    # metres in a file that must hold mm are refused
    ann['keypoints_3d'] = (k3d * [0.001, 0.001, 0.001, 1]).ravel().tolist()
    _coco(tmp_path, [ann])
    with pytest.raises(AnnotationError, match="field 'keypoints_3d' .*looks like metres"):
        Coco3DDataset(ann_file='coco.json', data_root=str(tmp_path), joint_layout='h36m17')
    with pytest.raises(ValueError, match="unknown joint_layout 'h36m'"):
        Coco3DDataset(ann_file='coco.json', data_root=str(tmp_path), joint_layout='h36m')
