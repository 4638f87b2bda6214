import os
import os.path as osp
import pickle

import numpy as np
import pytest
from real_format_fixtures import CAMERA, nearest_colour, write_pose3d_npz

from wildpose.datasets import AnnotationError, Human36mDataset
from wildpose.datasets.h36m_dataset import canonical_action, parse_h36m_imgname
from wildpose.geometry.camera import project_points, world_to_camera
from wildpose.geometry.depth import denormalise_depth
from wildpose.registry import TRANSFORMS
from wildpose.structures.skeleton import H36M_TO_WILDPOSE, ROOT, flip_indices


def _name(subject, action, camera, frame):
    seq = f'{subject}_{action}.{camera}'
    return f'{subject}/{seq}/{seq}_{frame:06d}.jpg'


NAMES = [_name('S1', 'Directions_1', '54138969', f) for f in (1, 6, 11)] + \
        [_name('S9', 'TakingPhoto', '55011271', 1), _name('S11', 'WalkDog_1', '54138969', 1)]
KEYS = [('S1', '54138969')] * 3 + [('S9', '55011271'), ('S11', '54138969')]


@pytest.fixture()
def h36m(tmp_path):
    arrays = write_pose3d_npz(str(tmp_path), NAMES, camera_keys=KEYS)
    return str(tmp_path), arrays


def _dataset(root, **kwargs):
    kwargs.setdefault('camera_file', 'cameras.pkl')
    return Human36mDataset(ann_file='ann.npz', data_root=root,
                           data_prefix=dict(img='images/'), **kwargs)


def test_sample_fields_units_and_mapping(h36m):
    root, arrays = h36m
    ds = _dataset(root)
    assert len(ds) == 5
    info = ds.get_data_info(0)
    assert info['img_path'] == osp.join(root, 'images', NAMES[0])
    assert (info['subject'], info['camera'], info['action'], info['frame']) == \
        ('S1', '54138969', 'Directions', 1)
    assert info['has_3d'] is True and info['domain'] == 'h36m'
    assert info['keypoints'].shape == (16, 2) and info['keypoints'].dtype == np.float32
    assert info['keypoints_3d'].shape == (16, 3) and info['keypoints_visible'].shape == (16,)
    idx = list(H36M_TO_WILDPOSE)
    np.testing.assert_allclose(info['keypoints'], arrays['part'][0, idx, :2], rtol=1e-6)
    k3d = arrays['S'][0, idx, :3] * 1000.0          # metres -> mm
    k3d[7] = 500.0 * (arrays['S'][0, 11, :3] + arrays['S'][0, 14, :3])  # 3D thorax rule
    np.testing.assert_allclose(info['keypoints_3d'], k3d, rtol=1e-5)
    c, s = arrays['center'][0], arrays['scale'][0] * 200
    np.testing.assert_allclose(info['bbox'], [c[0] - s / 2, c[1] - s / 2, c[0] + s / 2,
                                              c[1] + s / 2], rtol=1e-5)
    assert 'camera_param' not in info
    cam = _dataset(root, with_camera_param=True).get_data_info(0)['camera_param']
    np.testing.assert_allclose(cam['f'], CAMERA['f'].ravel())
    assert (cam['w'], cam['h']) == (400, 400)
    assert [ds.get_data_info(i)['action'] for i in (3, 4)] == ['Photo', 'WalkDog']


def test_projecting_S_with_the_camera_gives_part(h36m):
    root, arrays = h36m
    # world -> camera with R, T, then project with f, c and the distortion
    R = np.array([[0, -1, 0], [1, 0, 0], [0, 0, 1.0]])
    T = np.array([0.5, -0.2, 1.0])
    world = arrays['S'][0, :, :3] @ R + T   # inverse of X_c = R (X_w - T)
    cam = world_to_camera(world, R, T)
    np.testing.assert_allclose(cam, arrays['S'][0, :, :3], atol=1e-9)
    uv = project_points(cam, CAMERA['f'], CAMERA['c'], CAMERA['k'], CAMERA['p'])
    np.testing.assert_allclose(uv, arrays['part'][0, :, :2], atol=1e-6)
    # without the distortion it is close but not equal
    uv0 = project_points(cam, CAMERA['f'], CAMERA['c'])
    assert 0.01 < np.abs(uv0 - uv).max() < 10
    # the dataset runs the same check: a wrong focal length is caught
    with open(osp.join(root, 'cameras.pkl'), 'rb') as f:
        cams = pickle.load(f)
    cams[('S1', '54138969')] = dict(CAMERA, f=CAMERA['f'] * 1.5)
    with open(osp.join(root, 'cameras.pkl'), 'wb') as f:
        pickle.dump(cams, f)
    with pytest.raises(AnnotationError, match=r"ann\.npz: projecting field 'S'.*misses"):
        _dataset(root)


def test_subjects_and_frame_interval(tmp_path):
    names = [_name('S1', 'Eating', '54138969', f) for f in range(1, 27, 5)]  # 1, 6, ..., 26
    write_pose3d_npz(str(tmp_path), names + NAMES[3:], images=True)
    root = str(tmp_path)
    ds = _dataset(root, camera_file=None, subjects=['S1'], frame_interval=10)
    assert [ds.get_data_info(i)['frame'] for i in range(len(ds))] == [1, 11, 21]
    ds = _dataset(root, camera_file=None, subjects=['S9', 'S11'])
    assert sorted(ds.get_data_info(i)['subject'] for i in range(len(ds))) == ['S11', 'S9']
    with pytest.raises(AnnotationError, match=r"no sample left.*\['S5'\].*'S1'"):
        _dataset(root, camera_file=None, subjects=['S5'])
    with pytest.raises(ValueError, match='frame_interval'):
        _dataset(root, camera_file=None, frame_interval=0)


def test_action_names():
    assert canonical_action('Directions 1') == 'Directions'
    assert canonical_action('WalkingDog_1') == 'WalkDog'
    assert canonical_action('SittingDown') == 'SittingDown'
    assert parse_h36m_imgname('x/S11_Phoning_2.60457274_000123.jpg')['frame'] == 123
    assert parse_h36m_imgname('S1_Directions.jpg') is None


@pytest.mark.parametrize('override,match', [
    (dict(S=None), r"ann\.npz: missing field\(s\) \['S'\]"),
    (dict(part=np.zeros((5, 16, 3))), r"ann\.npz: field 'part' has shape \(5, 16, 3\), "
                                      r'expected \(N, 17, 3\)'),
    (dict(scale=np.zeros(5)), r"field 'scale' is not positive"),
    (dict(center=np.zeros((4, 2))), r'different numbers of samples'),
    (dict(imgname=np.array(['S1/bad_name.jpg'] * 5)), r"field 'imgname' value 'S1/bad_name"),
])
def test_malformed_files_name_file_and_field(tmp_path, override, match):
    write_pose3d_npz(str(tmp_path), NAMES, images=False, **override)
    with pytest.raises(AnnotationError, match=match):
        _dataset(str(tmp_path), camera_file=None, missing_image='unchecked')


def test_millimetres_are_refused(tmp_path):
    arrays = write_pose3d_npz(str(tmp_path), NAMES, images=False)
    S = arrays['S'].copy()
    S[..., :3] *= 1000
    write_pose3d_npz(str(tmp_path), NAMES, images=False, S=S)
    with pytest.raises(AnnotationError, match=r"field 'S' median depth .*looks like millim"):
        _dataset(str(tmp_path), camera_file=None, missing_image='unchecked')


def test_missing_files_are_reported(h36m):
    root, _ = h36m
    with pytest.raises(FileNotFoundError, match=r'annotation file not found: .*nope\.npz'):
        Human36mDataset(ann_file='nope.npz', data_root=root)
    with pytest.raises(FileNotFoundError, match=r'camera file not found: .*cams\.pkl'):
        _dataset(root, camera_file='cams.pkl')
    os.remove(osp.join(root, 'images', NAMES[1]))
    with pytest.raises(FileNotFoundError, match=r'1 of 5 samples have no image file.*'
                       + NAMES[1].split('/')[-1]):
        _dataset(root)
    assert len(_dataset(root, missing_image='skip')) == 4
    assert len(_dataset(root, missing_image='unchecked')) == 5
    with open(osp.join(root, 'cameras.pkl'), 'rb') as f:
        cams = pickle.load(f)
    del cams[('S9', '55011271')]
    with open(osp.join(root, 'cameras.pkl'), 'wb') as f:
        pickle.dump(cams, f)
    with pytest.raises(AnnotationError, match=r"no camera \('S9', '55011271'\)"):
        _dataset(root, missing_image='skip')


def _run(info, flip, rotate):
    steps = [dict(type='LoadImage'), dict(type='GetBBoxCenterScale', padding=1.25),
             dict(type='DepthFromPose3D'), dict(type='RandomMirror', prob=float(flip)),
             dict(type='RandomBBoxTransform', scale_factor=0.25, rotate_factor=30,
                  rotate_prob=float(rotate)),
             dict(type='TopdownAffine', input_size=(256, 256)),
             dict(type='GenerateTarget', encoder=dict(
                 type='HeatmapDepthCodec', input_size=(256, 256), heatmap_size=(64, 64),
                 sigma=2.0))]
    results = dict(info)
    for step in steps:
        results = TRANSFORMS.build(step)(results)
    return results


@pytest.mark.parametrize('flip,rotate', [(False, False), (True, False), (False, True),
                                         (True, True)])
def test_augmented_joints_stay_on_their_image_content(h36m, flip, rotate):
    root, _ = h36m
    ds = _dataset(root)
    np.random.seed(3)
    info = ds.get_data_info(1)
    out = _run(info, flip, rotate)
    assert out['flip'] is flip and (out['bbox_rotation'] != 0) is rotate
    perm = flip_indices() if flip else list(range(16))
    expected = [H36M_TO_WILDPOSE[perm[k]] for k in range(16)]   # the disc's file index
    np.testing.assert_array_equal(nearest_colour(out['img'], out['transformed_keypoints']),
                                  expected)
    # depth: root-relative, flipped with left/right, scaled with the crop, invertible
    plain = TRANSFORMS.build(dict(type='DepthFromPose3D'))(dict(info))['keypoints_depth']
    dz = info['keypoints_3d'][:, 2] - info['keypoints_3d'][ROOT, 2]
    ratio = plain[dz != 0] / dz[dz != 0]
    assert ratio.min() > 0 and np.ptp(ratio) < 1e-4 * ratio.max()
    np.testing.assert_allclose(out['keypoints_depth'], plain[perm], rtol=1e-6)
    crop = out['input_size'][0] / out['input_scale'][0]
    np.testing.assert_allclose(out['transformed_depth'], plain[perm] * crop, rtol=1e-5,
                               atol=1e-4)
    np.testing.assert_allclose(denormalise_depth(out['depth_target'], 64),
                               out['transformed_depth'] * 64 / 256, rtol=1e-5, atol=1e-4)
    assert out['depth_weights'].sum() == 16


class _Payload:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, 'w'))


def test_a_camera_pickle_with_code_in_it_runs_nothing(h36m):
    """cameras.pkl was read with pickle.load: a payload in it ran. Now only plain data
    and numpy arrays are unpickled."""
    root, _ = h36m
    assert len(_dataset(root, with_camera_param=True)) > 0      # the real layout still reads
    marker = osp.join(root, 'PWNED')
    with open(osp.join(root, 'cameras.pkl'), 'wb') as f:
        pickle.dump({('S1', '54138969'): _Payload(marker)}, f)
    with pytest.raises(AnnotationError, match=r'cameras.pkl: cannot be read as a pickle of '
                       r'plain data .*global (io|builtins).open is not allowed.*'
                       r'nothing in it was run'):
        _dataset(root, with_camera_param=True)
    assert not osp.exists(marker)
