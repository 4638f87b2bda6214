"""GenerateTarget (through a codec), PackPoseInputs and a full pipeline from config dicts."""
import cv2
import numpy as np
import pytest
import torch
from mmengine.dataset import Compose

from wildpose.datasets.transforms import GenerateTarget, PackPoseInputs
from wildpose.geometry.depth import normalise_depth
from wildpose.geometry.heatmap import decode_argmax
from wildpose.registry import TRANSFORMS
from wildpose.structures import PoseSample
from wildpose.structures.skeleton import NUM_JOINTS, flip_indices

J = NUM_JOINTS


def _cropped(has_3d=True):
    rng = np.random.default_rng(0)
    return dict(transformed_keypoints=rng.uniform(8, 120, (J, 2)).astype(np.float32),
                transformed_depth=rng.uniform(-30, 30, J).astype(np.float32),
                keypoints_visible=np.r_[np.zeros(1), np.ones(J - 1)].astype(np.float32),
                input_size=(128, 128), has_3d=has_3d)


def _codec(heatmap_size=(32, 32), sigma=1.0, input_size=(128, 128)):
    return dict(type='HeatmapDepthCodec', input_size=input_size, heatmap_size=heatmap_size,
                sigma=sigma)


def test_generate_target():
    res = GenerateTarget(encoder=_codec())(_cropped())
    assert res['heatmaps'].shape == (J, 32, 32)
    np.testing.assert_allclose(res['keypoints_hm'], res['transformed_keypoints'] / 4)
    np.testing.assert_allclose(res['depth_target'],
                               normalise_depth(res['transformed_depth'] / 4, 32), rtol=1e-6)
    np.testing.assert_array_equal(res['depth_weights'], res['keypoints_visible'])
    np.testing.assert_array_equal(res['heatmap_weights'], res['keypoints_visible'])
    coords, _ = decode_argmax(res['heatmaps'][1:])
    assert np.abs(coords - res['keypoints_hm'][1:]).max() < 0.3
    res2 = GenerateTarget(encoder=_codec())(_cropped(has_3d=False))
    np.testing.assert_array_equal(res2['depth_weights'], np.zeros(J))


def test_generate_target_refuses_a_crop_of_another_size():
    with pytest.raises(ValueError, match=r'input_size=\(64, 64\)'):
        GenerateTarget(encoder=_codec(input_size=(64, 64)))(_cropped())


def test_generate_target_with_the_integral_codec_renders_no_heatmaps():
    res = GenerateTarget(encoder=dict(type='IntegralDepthCodec', input_size=(128, 128),
                                      heatmap_size=(32, 32), beta=2.0))(_cropped())
    assert 'heatmaps' not in res
    np.testing.assert_allclose(res['keypoints_hm'], res['transformed_keypoints'] / 4)


def test_pack_pose_inputs_types():
    res = GenerateTarget(encoder=_codec())(_cropped())
    res.update(img=np.random.default_rng(0).integers(0, 255, (128, 128, 3), dtype=np.uint8),
               img_path='a.png', sample_idx=3, domain='lab', bbox_rotation=0.0,
               unrelated='dropped')
    out = PackPoseInputs()(res)
    assert set(out) == {'inputs', 'data_samples'}
    x = out['inputs']
    assert x.dtype == torch.uint8 and x.shape == (3, 128, 128) and x.is_contiguous()
    assert torch.equal(x.permute(1, 2, 0), torch.from_numpy(res['img']))
    ds = out['data_samples']
    assert isinstance(ds, PoseSample)
    for field, shape in [('gt_heatmaps', (J, 32, 32)), ('gt_heatmap_weights', (J,)),
                         ('gt_keypoints_hm', (J, 2)), ('gt_keypoint_weights', (J,)),
                         ('gt_keypoints_visible', (J,)),
                         ('gt_depth', (J,)), ('gt_depth_weights', (J,))]:
        value = getattr(ds, field)
        assert isinstance(value, torch.Tensor) and value.dtype == torch.float32
        assert tuple(value.shape) == shape, field
    assert ds.metainfo['img_path'] == 'a.png' and ds.metainfo['domain'] == 'lab'
    assert ds.metainfo['flip_indices'] == flip_indices()
    assert ds.metainfo['heatmap_size'] == (32, 32)
    assert 'unrelated' not in ds.metainfo and 'keypoints_3d' not in ds.metainfo


def _draw_sample(tmp_path, has_3d):
    """A black image with a white dot (radius 2 px) at each keypoint."""
    rng = np.random.default_rng(1)
    img = np.zeros((160, 200, 3), np.uint8)
    kpts = np.stack([rng.integers(60, 140, J), rng.integers(40, 120, J)], 1)
    while len({tuple(k) for k in kpts}) < J:  # distinct pixels
        kpts = np.stack([rng.integers(60, 140, J), rng.integers(40, 120, J)], 1)
    for x, y in kpts:
        cv2.circle(img, (int(x), int(y)), 2, (255, 255, 255), -1)
    path = tmp_path / 'dots.png'
    cv2.imwrite(str(path), img)
    info = dict(img_path=str(path), bbox=np.array([55, 35, 145, 125], np.float32),
                keypoints=kpts.astype(np.float32), keypoints_visible=np.ones(J, np.float32),
                has_3d=has_3d, domain='lab' if has_3d else 'wild', action='', sample_idx=0)
    if has_3d:
        k3 = np.concatenate([(kpts - [100, 80]) * 20.0, rng.uniform(4000, 4500, (J, 1))], 1)
        info['keypoints_3d'] = k3.astype(np.float32)
    return info


def _pipeline(input_size, heatmap_size):
    return Compose([TRANSFORMS.build(c) for c in [
        dict(type='LoadImage'),
        dict(type='GetBBoxCenterScale', padding=1.25),
        dict(type='DepthFromPose3D'),
        dict(type='RandomMirror', prob=0.5),
        dict(type='RandomBBoxTransform', scale_factor=0.25, rotate_factor=30, rotate_prob=1.0),
        dict(type='TopdownAffine', input_size=input_size),
        dict(type='RandomChannelGain', low=0.6, high=1.4),
        dict(type='GenerateTarget', encoder=_codec(heatmap_size, 1.0, input_size)),
        dict(type='PackPoseInputs'),
    ]])


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_full_pipeline_keypoints_land_on_the_dots(tmp_path, seed):
    np.random.seed(seed)
    pipe = _pipeline((128, 128), (32, 32))
    out = pipe(_draw_sample(tmp_path, has_3d=True))
    ds = out['data_samples']
    crop = out['inputs'].numpy().max(axis=0)  # (H, W)
    kpts_in = ds.gt_keypoints_hm.numpy() * 4  # heatmap px -> input px
    inside = (kpts_in >= 3).all(1) & (kpts_in < 125).all(1)
    assert inside.sum() >= 8
    for x, y in kpts_in[inside]:
        xi, yi = int(round(x)), int(round(y))
        assert crop[yi, xi] > 30, (x, y)  # a dot is drawn there
    # heatmap peaks decode back to gt_keypoints_hm
    from wildpose.geometry.heatmap import decode_argmax_torch
    coords, _ = decode_argmax_torch(ds.gt_heatmaps[None])
    w = ds.gt_heatmap_weights.bool()
    assert (coords[0][w] - ds.gt_keypoints_hm[w]).abs().max() < 0.3
    assert ds.gt_depth_weights.sum() == J and ds.metainfo['has_3d'] is True


def test_test_pipeline_has_no_targets(tmp_path):
    pipe = Compose([TRANSFORMS.build(c) for c in [
        dict(type='LoadImage'), dict(type='GetBBoxCenterScale', padding=1.25),
        dict(type='TopdownAffine', input_size=(64, 64)), dict(type='PackPoseInputs')]])
    ds = pipe(_draw_sample(tmp_path, has_3d=False))['data_samples']
    assert 'gt_heatmaps' not in ds and 'gt_depth' not in ds
    for key in ('input_center', 'input_scale', 'input_size', 'keypoints', 'bbox_rotation'):
        assert key in ds.metainfo
    assert 'keypoints_3d' not in ds.metainfo
