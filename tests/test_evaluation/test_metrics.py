"""The registered metrics against hand-computed values."""
from __future__ import annotations

import numpy as np
import pytest

from wildpose.evaluation.metrics import MPJPEMetric, PCK3DMetric, PCKhMetric, PCKMetric
from wildpose.structures.skeleton import NUM_JOINTS, ROOT


def _pose(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(NUM_JOINTS, 3)) * 200 + [0, 0, 4000]


def _run(metric, samples: list[dict]) -> dict:
    metric.process(None, samples)
    return metric.evaluate(len(samples))


def _sample_3d(gt: np.ndarray, pred: np.ndarray, **meta) -> dict:
    return dict(keypoints_3d=gt, pred_keypoints_3d=pred, **meta)


def test_mpjpe_per_action_both_averages():
    samples = []
    # action A: 3 frames, r_ankle off by 16 mm -> 1 mm per frame; B: 1 frame, 80 mm -> 5 mm
    for i, (action, off) in enumerate([('A', 16.0), ('A', 16.0), ('A', 16.0), ('B', 80.0)]):
        gt = _pose(i)
        pred = gt - gt[ROOT] + [0, 0, 0]  # root-relative prediction, exact
        pred[0, 0] += off
        samples.append(_sample_3d(gt, pred, action=action, domain='lab'))
    m = _run(MPJPEMetric(per_action=True, per_joint=True), samples)
    assert m['mpjpe'] == pytest.approx(2.0)                 # over all frames: (3 + 5) / 4
    assert m['mpjpe_action_mean'] == pytest.approx(3.0)     # over actions: (1 + 5) / 2
    assert m['action/A/mpjpe'] == pytest.approx(1.0)
    assert m['action/B/mpjpe'] == pytest.approx(5.0)
    assert m['lab/mpjpe'] == pytest.approx(2.0)
    assert m['joint/r_ankle/mpjpe'] == pytest.approx((3 * 16 + 80) / 4)
    assert m['joint/l_ankle/mpjpe'] == pytest.approx(0.0)
    assert 'joint/pelvis/mpjpe' not in m  # zero by construction


def test_mpjpe_metric_procrustes_and_skipping_2d_samples():
    c, s = np.cos(0.7), np.sin(0.7)
    rot = np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    gt = _pose(5)
    pred = 0.5 * (gt - gt[ROOT]) @ rot.T
    samples = [_sample_3d(gt, pred, domain='lab'),
               dict(pred_keypoints_3d=pred, domain='wild')]  # no 3D label: skipped
    m = _run(MPJPEMetric(), samples)
    assert m['pa_mpjpe'] == pytest.approx(0.0, abs=1e-6)
    assert m['mpjpe'] > 10
    assert 'wild/mpjpe' not in m


def test_mpjpe_metric_names_a_missing_prediction():
    metric = MPJPEMetric()
    with pytest.raises(KeyError, match='pred_keypoints_3d'):
        metric.process(None, [dict(keypoints_3d=_pose(0))])


def _sample_2d(err: float, visible=None, **meta) -> dict:
    gt = np.zeros((NUM_JOINTS, 2))
    pred = gt.copy()
    pred[:, 0] = err
    return dict(keypoints=gt, pred_keypoints=pred,
                keypoints_visible=np.ones(NUM_JOINTS) if visible is None else visible,
                **meta)


def test_pckh_metric_with_head_sizes():
    vis = np.ones(NUM_JOINTS)
    vis[0] = 0
    samples = [_sample_2d(4.0, head_size=10.0),          # 4 <= 5: all correct
               _sample_2d(6.0, head_size=10.0),          # 6 > 5: all wrong
               _sample_2d(9.0, visible=vis, head_size=20.0),  # 9 <= 10: correct
               _sample_2d(1.0)]                          # no head size: skipped
    m = _run(PCKhMetric(per_joint=True), samples)
    # pelvis and thorax are not in the mean: (14 + 0 + 13 visible) of (14 + 14 + 13)
    assert m['pckh'] == pytest.approx(100 * 27 / 41)
    assert m['joint/r_ankle/pckh'] == pytest.approx(50.0)  # invisible in sample 3
    assert m['joint/pelvis/pckh'] == pytest.approx(100 * 2 / 3)


def test_pck_metric_per_joint_and_group():
    a = _sample_2d(1.0, bbox_scale=np.array([100.0, 50.0]), domain='lab')  # 1/100 <= 0.05
    b = _sample_2d(10.0, bbox_scale=np.array([100.0, 100.0]), domain='wild')
    m = _run(PCKMetric(threshold=0.05, per_joint=True), [a, b])
    assert m['pck'] == 50.0 and m['lab/pck'] == 100.0 and m['wild/pck'] == 0.0
    assert m['joint/head_top/pck'] == 50.0


def test_3dpck_per_scene():
    samples = []
    # errors 0 mm (correct at all 31 AUC thresholds), 102 mm (at 105..150: 10), 160 mm
    for i, (scene, err) in enumerate([('GS', 0.0), ('GS', 102.0), ('Outdoor', 160.0)]):
        gt = _pose(i)
        pred = gt - gt[ROOT]
        pred[[j for j in range(NUM_JOINTS) if j != ROOT]] += [err, 0, 0]
        samples.append(_sample_3d(gt, pred, scene=scene))
    m = _run(PCK3DMetric(per_joint=True), samples)
    assert m['scene/GS/3dpck'] == pytest.approx(100.0)
    assert m['scene/Outdoor/3dpck'] == pytest.approx(0.0)
    assert m['3dpck'] == pytest.approx(100 * 2 / 3)          # all frames
    assert m['3dpck_scene_mean'] == pytest.approx(50.0)      # mean over scene types
    assert m['scene/GS/3dpck_auc'] == pytest.approx(100 * (31 + 10) / 62)
    assert m['3dpck_auc'] == pytest.approx(100 * (31 + 10) / 93)
    assert m['joint/head_top/3dpck'] == pytest.approx(100 * 2 / 3)
    assert 'joint/pelvis/3dpck' not in m and 'joint/thorax/3dpck' not in m
    assert len([k for k in m if k.startswith('joint/')]) == 14


def test_per_joint_is_off_by_default():
    m = _run(PCKMetric(), [_sample_2d(1.0, bbox_scale=np.array([100.0, 50.0]))])
    assert not [k for k in m if k.startswith('joint/')]


def test_left_right_metric_reports_percent_per_domain():
    from wildpose.evaluation.metrics import LeftRightMetric
    from wildpose.structures.skeleton import FLIP_PAIRS, flip_indices
    rng = np.random.default_rng(0)
    gt = rng.uniform(0, 100, (16, 2))
    samples = []
    for domain, pred in (('lab', gt.copy()), ('wild', gt[flip_indices()])):
        samples.append(dict(pred_keypoints=pred, keypoints=gt,
                            keypoints_visible=np.ones(16), domain=domain))
    metric = LeftRightMetric(group_by='domain')
    metric.process({}, samples)
    out = metric.compute_metrics(metric.results)
    assert out['lab/lr_confusion'] == 0.0
    assert out['wild/lr_confusion'] == 100.0
    assert out['lr_confusion'] == 50.0
    assert len(FLIP_PAIRS) == 6


def test_depth_order_metric_reports_percent_per_domain():
    from wildpose.evaluation.metrics import DepthOrderMetric
    from wildpose.structures.skeleton import BONES
    gt = _pose(0)
    flipped = gt.copy()
    flipped[:, 2] = 2 * gt[ROOT, 2] - gt[:, 2]   # the pose mirrored in depth about the root
    samples = [_sample_3d(gt, gt + [5, -3, 0], domain='lab'),
               _sample_3d(gt, flipped, domain='wild'),
               dict(pred_keypoints_3d=gt, domain='wild')]   # no 3D ground truth: skipped
    m = _run(DepthOrderMetric(group_by='domain', min_depth_gap=50.0), samples)
    steep = sum(abs(gt[b, 2] - gt[a, 2]) >= 50.0 for a, b in BONES)
    assert steep > 0
    assert m['lab/depth_order_error'] == 0.0
    assert m['wild/depth_order_error'] == 100.0
    assert m['depth_order_error'] == 50.0
    with pytest.raises(ValueError, match='min_depth_gap'):
        DepthOrderMetric(min_depth_gap=-1)
