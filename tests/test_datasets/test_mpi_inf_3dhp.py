import os.path as osp
import pickle

import numpy as np
import pytest
from real_format_fixtures import CAMERA, nearest_colour, write_pose3d_npz

from wildpose.datasets import AnnotationError, MpiInf3dhpDataset
from wildpose.datasets.joint_mappings import MPI_INF_3DHP_INDEX
from wildpose.datasets.mpi_inf_3dhp_dataset import parse_3dhp_imgname
from wildpose.registry import TRANSFORMS
from wildpose.structures.skeleton import flip_indices

TEST_NAMES = [f'TS{k}_{f:06d}.jpg' for k in range(1, 7) for f in (1, 2)]
TRAIN_NAMES = ['S1_Seq1_Cam0_000001.jpg', 'S1_Seq1_Cam0_000002.jpg',
               'S1_Seq1_Cam0_000003.jpg', 'S2_Seq2_Cam8_000010.jpg']


def _dataset(root, **kwargs):
    return MpiInf3dhpDataset(ann_file='ann.npz', data_root=root,
                             data_prefix=dict(img='images/'), **kwargs)


def test_test_set_scenes_mapping_and_cameras(tmp_path):
    root = str(tmp_path)
    arrays = write_pose3d_npz(root, TEST_NAMES, camera_keys=[f'TS{k}' for k in range(1, 7)])
    # MMPose's test camera file is keyed by sequence
    with open(osp.join(root, 'cameras.pkl'), 'rb') as f:
        cams = pickle.load(f)
    assert set(cams) == {f'TS{k}' for k in range(1, 7)}
    ds = _dataset(root, camera_file='cameras.pkl', thorax_3d=False)
    assert len(ds) == 12
    scenes = [ds.get_data_info(i)['scene'] for i in range(12)]
    assert scenes == ['GS'] * 4 + ['noGS'] * 4 + ['Outdoor'] * 4
    info = ds.get_data_info(5)
    assert info['subject'] == 'TS3' and info['frame'] == 2 and info['domain'] == 'mpi_inf_3dhp'
    idx = list(MPI_INF_3DHP_INDEX)
    np.testing.assert_allclose(info['keypoints'], arrays['part'][5, idx, :2], rtol=1e-6)
    np.testing.assert_allclose(info['keypoints_3d'], arrays['S'][5, idx, :3] * 1000, rtol=1e-5)
    # head top and neck come from the benchmark's head_top (0) and neck (1)
    np.testing.assert_allclose(info['keypoints'][[9, 8]], arrays['part'][5, [0, 1], :2])
    assert len(_dataset(root, subjects=['TS5', 'TS6'])) == 4


def test_train_names_and_camera_keys(tmp_path):
    root = str(tmp_path)
    keys = ['S1_Seq1_Cam0'] * 3 + ['S2_Seq2_Cam8']
    write_pose3d_npz(root, TRAIN_NAMES, camera_keys=keys)
    ds = _dataset(root, camera_file='cameras.pkl', frame_interval=2, with_camera_param=True)
    assert [ds.get_data_info(i)['frame'] for i in range(len(ds))] == [1, 3, 10]
    assert ds.get_data_info(2)['camera'] == '8' and ds.get_data_info(2)['scene'] == ''
    np.testing.assert_allclose(ds.get_data_info(0)['camera_param']['c'], CAMERA['c'].ravel())
    assert parse_3dhp_imgname('images/S8_Seq2_Cam5_012345.jpg')['sequence'] == \
        ('S8', 'Seq2', '5')
    assert parse_3dhp_imgname('TS7.jpg') is None


def test_bad_names_and_units(tmp_path):
    root = str(tmp_path)
    write_pose3d_npz(root, ['S1_Directions_1.54138969_000001.jpg'], images=False)
    with pytest.raises(AnnotationError, match=r"field 'imgname' value .* looks like neither"):
        _dataset(root, missing_image='unchecked')
    arrays = write_pose3d_npz(root, TEST_NAMES[:2], images=False)
    S = arrays['S'].copy()
    S[..., :3] *= 1000
    write_pose3d_npz(root, TEST_NAMES[:2], images=False, S=S)
    with pytest.raises(AnnotationError, match="field 'S' median depth"):
        _dataset(root, missing_image='unchecked')


def test_flipped_crop_keeps_joints_on_content(tmp_path):
    root = str(tmp_path)
    write_pose3d_npz(root, TEST_NAMES[:2])
    info = _dataset(root).get_data_info(0)
    np.random.seed(0)
    out = dict(info)
    for step in [dict(type='LoadImage'), dict(type='GetBBoxCenterScale', padding=1.25),
                 dict(type='DepthFromPose3D'), dict(type='RandomMirror', prob=1.0),
                 dict(type='RandomBBoxTransform', scale_factor=0.0, rotate_factor=20,
                      rotate_prob=1.0),
                 dict(type='TopdownAffine', input_size=(256, 256))]:
        out = TRANSFORMS.build(step)(out)
    perm = flip_indices()
    expected = [MPI_INF_3DHP_INDEX[perm[k]] for k in range(16)]
    np.testing.assert_array_equal(nearest_colour(out['img'], out['transformed_keypoints']),
                                  expected)
