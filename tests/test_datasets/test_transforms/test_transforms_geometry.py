"""Box, depth, flip, random box, affine and colour transforms."""
import numpy as np
import pytest

from wildpose.datasets.transforms import (DepthFromPose3D, GetBBoxCenterScale,
                                          RandomBBoxTransform, RandomChannelGain,
                                          RandomMirror, TopdownAffine)
from wildpose.geometry.affine import get_warp_matrix, transform_points
from wildpose.geometry.depth import root_relative_depth
from wildpose.structures.skeleton import FLIP_PAIRS, NUM_JOINTS, ROOT

J = NUM_JOINTS


def _sample(seed=0, has_3d=True):
    rng = np.random.default_rng(seed)
    img = rng.integers(0, 255, (60, 80, 3), dtype=np.uint8)
    k3 = np.concatenate([rng.uniform(-400, 400, (J, 2)), rng.uniform(3000, 3500, (J, 1))], 1)
    kpts = (k3[:, :2] * 0.04 + [40, 30]).astype(np.float32)
    res = dict(img=img, keypoints=kpts, keypoints_visible=np.ones(J, np.float32),
               bbox=np.array([10, 5, 70, 55], np.float32), has_3d=has_3d, img_path='x.png')
    if has_3d:
        res['keypoints_3d'] = k3.astype(np.float32)
    res = GetBBoxCenterScale(padding=1.25)(res)
    return DepthFromPose3D()(res)


def test_bbox_center_scale():
    res = GetBBoxCenterScale(padding=1.5)(dict(bbox=np.array([10, 20, 50, 100.0])))
    np.testing.assert_allclose(res['bbox_center'], [30, 60])
    np.testing.assert_allclose(res['bbox_scale'], [60, 120])
    with pytest.raises(ValueError, match="'bbox'.*a.png"):
        GetBBoxCenterScale()(dict(bbox=np.array([10, 20, 5, 100.0]), img_path='a.png'))


def test_depth_from_pose3d():
    res = _sample()
    np.testing.assert_allclose(res['keypoints_depth'],
                               (res['keypoints_3d'][:, 2] - res['keypoints_3d'][ROOT, 2]) * 0.04,
                               rtol=1e-4, atol=1e-3)
    res2 = _sample(has_3d=False)
    np.testing.assert_array_equal(res2['keypoints_depth'], np.zeros(J))
    with pytest.raises(ValueError, match='keypoints_3d'):
        DepthFromPose3D()(dict(keypoints=np.zeros((J, 2)), keypoints_3d=np.zeros((J, 2)),
                               has_3d=True))


def _copy(res):
    return {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in res.items()}


def test_flip_twice_is_identity():
    res = _sample()
    orig = _copy(res)
    flip = RandomMirror(prob=1.0)
    once = flip(_copy(res))
    assert once['flip'] is True
    assert not np.array_equal(once['img'], orig['img'])
    twice = flip(once)
    for key in ('img', 'keypoints', 'keypoints_visible', 'keypoints_depth', 'keypoints_3d',
                'bbox_center', 'bbox'):
        np.testing.assert_allclose(twice[key], orig[key], atol=1e-4, err_msg=key)
    assert RandomMirror(prob=0.0)(_copy(res))['flip'] is False


def test_flip_swaps_left_right_and_keeps_depth_on_its_joint():
    res = _sample()
    res['keypoints_visible'][0] = 0  # r_ankle unlabelled
    orig = _copy(res)
    out = RandomMirror(prob=1.0)(res)
    w = orig['img'].shape[1]
    np.testing.assert_array_equal(out['img'], orig['img'][:, ::-1])
    for r, l in FLIP_PAIRS:
        # the mirror image of the right joint is the new left joint, with its depth
        np.testing.assert_allclose(out['keypoints'][l], [w - 1 - orig['keypoints'][r, 0],
                                                         orig['keypoints'][r, 1]])
        assert out['keypoints_depth'][l] == orig['keypoints_depth'][r]
        assert out['keypoints_visible'][l] == orig['keypoints_visible'][r]
        np.testing.assert_allclose(out['keypoints_3d'][l], orig['keypoints_3d'][r] * [-1, 1, 1])
    assert out['keypoints_visible'][5] == 0 and out['keypoints_visible'][0] == 1
    # depths recomputed from the flipped labels agree with the flipped depths
    np.testing.assert_allclose(root_relative_depth(out['keypoints'], out['keypoints_3d']),
                               out['keypoints_depth'], rtol=1e-4, atol=1e-3)
    assert out['bbox_center'][0] == pytest.approx(w - 1 - orig['bbox_center'][0])


def test_random_bbox_transform_ranges_and_seeding():
    t = RandomBBoxTransform(scale_factor=0.25, rotate_factor=30, rotate_prob=0.4)
    np.random.seed(3)
    outs = [t(dict(bbox_scale=np.array([100.0, 100.0], np.float32))) for _ in range(300)]
    factors = np.array([o['bbox_scale'][0] / 100 for o in outs])
    rots = np.array([o['bbox_rotation'] for o in outs])
    assert factors.min() >= 2 ** -0.5 - 1e-6 and factors.max() <= 2 ** 0.5 + 1e-6
    assert factors.std() > 0.05
    assert np.abs(rots).max() <= 60 and 0.25 < np.mean(rots != 0) < 0.55
    np.random.seed(3)
    again = t(dict(bbox_scale=np.array([100.0, 100.0], np.float32)))
    assert again['bbox_scale'][0] == outs[0]['bbox_scale'][0]
    assert again['bbox_rotation'] == outs[0]['bbox_rotation']


def test_topdown_affine_keypoints_depth_and_aspect():
    res = _sample()
    res['bbox_rotation'] = 20.0
    depth = res['keypoints_depth'].copy()
    out = TopdownAffine(input_size=(64, 48))(res)
    assert out['img'].shape == (48, 64, 3) and out['input_size'] == (64, 48)
    sw, sh = out['input_scale']
    assert sw / sh == pytest.approx(64 / 48)
    assert sw >= out['bbox_scale'][0] - 1e-4 and sh >= out['bbox_scale'][1] - 1e-4
    mat = get_warp_matrix(out['input_center'], out['input_scale'], 20.0, (64, 48))
    np.testing.assert_allclose(out['transformed_keypoints'],
                               transform_points(out['keypoints'], mat), atol=1e-4)
    np.testing.assert_allclose(out['transformed_depth'], depth * 64 / sw, rtol=1e-5)
    # depth follows the crop's scale exactly as 2D bone lengths do
    k = out['transformed_keypoints']
    np.testing.assert_allclose(root_relative_depth(k, out['keypoints_3d']),
                               out['transformed_depth'], rtol=1e-3, atol=1e-3)


def test_channel_gain_clips_to_uint8():
    img = np.full((4, 4, 3), 200, np.uint8)
    np.random.seed(0)
    out = RandomChannelGain(0.6, 1.4)(dict(img=img))['img']
    assert out.dtype == np.uint8
    for c in range(3):
        assert len(np.unique(out[..., c])) == 1
    assert out.max() <= 255
    same = RandomChannelGain(1.0, 1.0)(dict(img=img.copy()))['img']
    np.testing.assert_array_equal(same, img)


@pytest.mark.parametrize('shape', [(5, 7, 3), (5, 7), (5, 7, 1), (5, 7, 4)])
def test_channel_gain_equals_the_per_pixel_product(shape):
    """The lookup table gives exactly clip(rint(pixel * gain)) with each channel's gain."""
    rng = np.random.default_rng(1)
    img = rng.integers(0, 256, size=shape, dtype=np.uint8)
    np.random.seed(3)
    out = RandomChannelGain(0.5, 1.5)(dict(img=img.copy()))['img']
    np.random.seed(3)
    gains = np.random.uniform(0.5, 1.5, size=shape[2] if len(shape) == 3 else 1)
    expected = np.clip(np.rint(img.astype(np.float32) * gains.astype(np.float32)
                               .reshape((1, 1, -1) if len(shape) == 3 else (1,))), 0, 255)
    assert out.shape == img.shape and out.dtype == np.uint8
    np.testing.assert_array_equal(out, expected.astype(np.uint8))
    with pytest.raises(TypeError, match='uint8'):
        RandomChannelGain()(dict(img=img.astype(np.float32)))
