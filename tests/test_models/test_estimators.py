"""Weak3DPoseEstimator: loss routing by 3D labels, and the predict path's geometry.

The samples go through the real transforms, so these tests also pin the units shared by
the pipeline and the model (image px -> input px -> heatmap px -> normalised depth).
"""
from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from mmengine.dataset import Compose, pseudo_collate

from wildpose.evaluation.functional import mpjpe
from wildpose.geometry.metric_pose import pose_to_metric
from wildpose.registry import MODELS
from wildpose.structures.skeleton import ROOT

INPUT, HEATMAP = (64, 64), (16, 16)
CODEC = dict(type='HeatmapDepthCodec', input_size=INPUT, heatmap_size=HEATMAP, sigma=1.0)

#: a standing person, camera frame in mm (x right, y down, z forward), MPII order
SKELETON_MM = np.array([
    [-100, 850, 40], [-100, 430, 0], [-110, 0, 0], [110, 0, 0], [100, 430, 20],
    [100, 850, -30], [0, 0, 0], [0, -480, 10], [0, -560, 10], [0, -780, 0],
    [-420, -60, -80], [-300, -300, -60], [-190, -540, 0], [190, -540, 0],
    [300, -300, 70], [420, -60, 120]], dtype=np.float64)


def _model(**overrides) -> torch.nn.Module:
    cfg = dict(
        type='Weak3DPoseEstimator',
        data_preprocessor=dict(type='ImgDataPreprocessor', mean=[128.] * 3, std=[64.] * 3),
        backbone=dict(type='HourglassNet', num_stacks=2, channels=16, num_blocks=1, depth=2),
        head_2d=dict(type='StackedHeatmapHead', in_channels=16, num_stacks=2),
        head_depth=dict(type='DepthRegressionHead', in_channels=16, num_stages=2,
                        blocks_per_stage=1),
        codec=CODEC, loss_geo=dict(type='GeometricConstraintLoss', loss_weight=0.01))
    cfg.update(overrides)
    return MODELS.build(cfg)


def _sample(has_3d: bool, shift: float = 0.0, yaw: float = 0.3) -> dict:
    """A data_info as a dataset gives it: parallel projection of the skeleton (so that
    the depth target recovers the 3D pose exactly up to scale)."""
    c, s = np.cos(yaw), np.sin(yaw)
    rot = np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    pose = SKELETON_MM @ rot.T + np.array([0, 0, 4000.0])
    px_per_mm = 0.05
    kpts = pose[:, :2] * px_per_mm + np.array([60.0 + shift, 50.0])
    x1, y1 = kpts.min(0)
    x2, y2 = kpts.max(0)
    info = dict(img=np.full((110, 120, 3), 127, np.uint8), img_shape=(110, 120),
                img_path=f'mem_{has_3d}_{shift}.png', sample_idx=0,
                bbox=np.array([x1, y1, x2, y2], np.float32),
                keypoints=kpts.astype(np.float32),
                keypoints_visible=np.ones(16, np.float32), has_3d=has_3d,
                domain='lab' if has_3d else 'wild', action='standing')
    if has_3d:
        info['keypoints_3d'] = pose.astype(np.float32)
    return info


def _batch(samples: list[dict], train: bool = True, codec: dict = CODEC) -> dict:
    steps = [dict(type='GetBBoxCenterScale', padding=1.25), dict(type='DepthFromPose3D'),
             dict(type='TopdownAffine', input_size=INPUT)]
    if train:
        steps.append(dict(type='GenerateTarget', encoder=codec))
    steps.append(dict(type='PackPoseInputs'))
    pipeline = Compose([dict(s) for s in steps])
    from wildpose.registry import TRANSFORMS  # noqa: F401  (registers the transforms)
    return pseudo_collate([pipeline(copy.deepcopy(s)) for s in samples])


@pytest.fixture(autouse=True)
def _scope():
    from wildpose.utils import register_all_modules
    register_all_modules()


def test_loss_routes_depth_to_3d_samples_and_geometry_to_2d_samples():
    torch.manual_seed(0)
    model = _model()
    batch = _batch([_sample(True), _sample(False, shift=3.0)])
    data = model.data_preprocessor(batch, training=True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_2d', 'loss_depth', 'loss_geo'}
    assert all(torch.isfinite(v) and v > 0 for v in losses.values())

    # the 2D-only sample's depth target is ignored by the depth loss ...
    batch2 = _batch([_sample(True), _sample(False, shift=3.0)])
    batch2['data_samples'][1].gt_depth = batch2['data_samples'][1].gt_depth + 5.0
    data2 = model.data_preprocessor(batch2, training=True)
    losses2 = model(**data2, mode='loss')
    assert torch.allclose(losses['loss_depth'], losses2['loss_depth'])
    # ... and the 3D sample's target is not
    batch2['data_samples'][0].gt_depth = batch2['data_samples'][0].gt_depth + 5.0
    losses3 = model(**model.data_preprocessor(batch2, training=True), mode='loss')
    assert losses3['loss_depth'] > losses['loss_depth'] * 10

    # an all-3D batch has no geometric term
    all3d = model(**model.data_preprocessor(_batch([_sample(True), _sample(True, 2.0)]),
                                            training=True), mode='loss')
    assert all3d['loss_geo'].item() == 0.0
    # gradients reach the backbone from every loss
    sum(losses.values()).backward()
    assert model.backbone.stem[0].weight.grad.abs().sum() > 0


def test_no_geometric_loss_when_disabled():
    model = _model(loss_geo=None)
    data = model.data_preprocessor(_batch([_sample(True), _sample(False)]), training=True)
    assert set(model(**data, mode='loss')) == {'loss_2d', 'loss_depth'}


@pytest.mark.parametrize('codec', [CODEC, dict(CODEC, type='IntegralDepthCodec', beta=10.0)])
def test_predict_with_perfect_maps_recovers_the_pose(codec, monkeypatch):
    """Feed the ground-truth heatmaps and depths through the decoding: 2D comes back in
    image px and 3D, rescaled to the reference bone-length sum, matches the truth."""
    model = _model(codec=codec).eval()
    samples = [_sample(True, yaw=0.3), _sample(True, shift=4.0, yaw=-1.0)]
    train_batch = _batch(samples)  # the heatmap codec renders Gaussians
    gt_maps = torch.stack([ds.gt_heatmaps for ds in train_batch['data_samples']])
    gt_depth = torch.stack([ds.gt_depth for ds in train_batch['data_samples']])
    monkeypatch.setattr(model, '_forward', lambda inputs: ([gt_maps, gt_maps], gt_depth))

    batch = _batch(samples, train=False)
    data = model.data_preprocessor(batch, training=False)
    out = model(**data, mode='predict')
    for ds, s in zip(out, samples):
        err_px = np.linalg.norm(ds.pred_keypoints - s['keypoints'], axis=-1)
        assert err_px.max() < 2.5, err_px  # about 7.5 image px per heatmap px here
        assert ds.pred_keypoints_3d.shape == (16, 3)
        assert np.allclose(ds.pred_keypoints_3d[ROOT], 0, atol=1e-4)
    pred = np.stack([ds.pred_keypoints_3d for ds in out]).astype(np.float64)
    gt = pose_to_metric(torch.from_numpy(np.stack([s['keypoints_3d'] for s in samples])
                                         ).double()).numpy()
    assert mpjpe(pred, gt).max() < 40.0  # mm, against a 4297 mm skeleton


def test_integral_loss_reads_positions_and_trains_the_heatmaps():
    """With the integral codec and loss, the 2D loss is computed from the soft-argmax of
    the heatmaps against the encoded positions (no Gaussian heatmaps exist)."""
    codec = dict(CODEC, type='IntegralDepthCodec', beta=1.0)
    torch.manual_seed(0)
    model = _model(codec=codec, loss_2d=dict(type='IntegralCoordinateLoss', beta=1.0))
    batch = _batch([_sample(True), _sample(False, shift=3.0)], codec=codec)
    assert 'gt_heatmaps' not in batch['data_samples'][0]
    losses = model(**model.data_preprocessor(batch, training=True), mode='loss')
    assert set(losses) == {'loss_2d', 'loss_depth', 'loss_geo'}
    assert 0 < losses['loss_2d'].item() < 2 * 2  # L1 / heatmap width, per stack
    losses['loss_2d'].backward()
    assert model.head_2d.convs[0].weight.grad.abs().sum() > 0


def test_flip_test_averages_a_symmetric_prediction(monkeypatch):
    model = _model(test_cfg=dict(flip_test=True)).eval()
    batch = _batch([_sample(True)], train=False)
    data = model.data_preprocessor(batch, training=False)
    out = model(**data, mode='predict')
    assert out[0].pred_keypoints.shape == (16, 2)
    assert np.isfinite(out[0].pred_keypoints_3d).all()


def test_bad_test_cfg_is_named():
    with pytest.raises(KeyError, match='flip_tset'):
        _model(test_cfg=dict(flip_tset=True))
    with pytest.raises(KeyError, match='decode'):  # decoding belongs to the codec
        _model(test_cfg=dict(decode='argmax'))


def test_channels_last_gives_the_same_outputs():
    torch.manual_seed(0)
    plain = _model().eval()
    fast = _model(channels_last=True).eval()
    fast.load_state_dict(plain.state_dict())
    x = torch.randn(2, 3, *INPUT)
    with torch.no_grad():
        (h1, d1), (h2, d2) = plain._forward(x), fast._forward(x)
    assert torch.allclose(h1[-1], h2[-1], atol=1e-5) and torch.allclose(d1, d2, atol=1e-5)
    assert fast.backbone.stem[0].weight.is_contiguous(memory_format=torch.channels_last)
