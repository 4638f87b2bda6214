"""tools/analysis/left_right.py on a dump of hand-made poses: the view angle, and where
each confusion lands (view, separation of the two sides, swapped or one-sided)."""
from __future__ import annotations

import numpy as np
import pytest

from repo_files import load_tool
from wildpose.evaluation.dump import save_dump
from wildpose.structures.skeleton import FLIP_PAIRS, JOINT_NAMES

tool = load_tool('analysis/left_right.py')
J = len(JOINT_NAMES)
L_KNEE, R_KNEE = JOINT_NAMES.index('l_knee'), JOINT_NAMES.index('r_knee')
L_ANKLE, R_ANKLE = JOINT_NAMES.index('l_ankle'), JOINT_NAMES.index('r_ankle')


def pose_3d(view_deg: float) -> np.ndarray:
    """A T-ish pose whose left side points along +x turned by ``view_deg`` about y."""
    k = np.zeros((J, 3))
    for name, x in (('l_hip', 100), ('r_hip', -100), ('l_shoulder', 150), ('r_shoulder', -150)):
        k[JOINT_NAMES.index(name), 0] = x
    a = np.radians(view_deg)
    rot = np.array([[np.cos(a), 0, -np.sin(a)], [0, 1, 0], [np.sin(a), 0, np.cos(a)]])
    return k @ rot.T + np.array([0, 0, 4000])


def test_view_angle_front_side_back():
    views = tool.view_angle(np.stack([pose_3d(v) for v in (0, 90, 180, -90, 45)]))
    np.testing.assert_allclose(views, [0, 90, 180, 90, 45], atol=1e-9)


def sample(gt2d: np.ndarray, pred2d: np.ndarray, view: float | None, domain: str) -> dict:
    s = dict(pred_keypoints=pred2d, pred_scores=np.ones(J), pred_keypoints_3d=np.zeros((J, 3)),
             keypoints=gt2d, keypoints_visible=np.ones(J), bbox_scale=np.array([200.0, 100.0]),
             domain=domain)  # PCK@0.05 threshold: 10 px
    if view is not None:
        s['keypoints_3d'] = pose_3d(view)
    return s


def test_splits_place_each_confusion(tmp_path):
    gt = np.stack([np.full(2, 10.0 * (i + 1)) * [1, 3] for i in range(J)])  # all apart
    swapped = gt.copy()
    swapped[[L_KNEE, R_KNEE]] = gt[[R_KNEE, L_KNEE]]               # one pair swapped
    close = gt.copy()
    close[L_ANKLE] = close[R_ANKLE] + [5.0, 0]                     # sides 0.5 threshold apart
    collapsed = close.copy()
    collapsed[L_ANKLE] = close[R_ANKLE] + [1.0, 0]                 # left drawn on the right
    samples = [sample(gt, swapped, 80.0, 'wild'), sample(close, collapsed, 170.0, 'wild'),
               sample(gt, gt, None, 'wild'), sample(gt, gt, 10.0, 'lab')]
    path = str(tmp_path / 'preds.npz')
    save_dump(path, samples)
    summary = tool.main([path, path, '--json', str(tmp_path / 'lr.json')])

    per_sample = 2 * len(FLIP_PAIRS)
    assert summary['wild/all/all'] == (pytest.approx(100 * 3 / (3 * per_sample)), 0.0)
    assert summary['lab/all/all'][0] == 0.0
    assert summary['wild/view/60-90 deg'][0] == pytest.approx(100 * 2 / per_sample)
    assert summary['wild/view/150-180 deg'][0] == pytest.approx(100 * 1 / per_sample)
    assert np.isnan(summary['wild/view/0-30 deg'][0])  # no wild sample seen from the front
    # the sample without 3D counts overall but in no view bin
    shares = sum(summary[f'wild/view/{lo}-{hi} deg/share'][0]
                 for lo, hi in zip(tool.VIEW_BINS_DEG[:-1], tool.VIEW_BINS_DEG[1:]))
    assert shares == pytest.approx(100 * 2 / 3)
    assert summary['wild/separation/0-1'][0] == pytest.approx(50.0)  # the ankle pair
    assert summary['wild/kind/swapped/share'][0] == pytest.approx(100 * 2 / 3)
    assert summary['wild/kind/one-sided/share'][0] == pytest.approx(100 * 1 / 3)
    assert (tmp_path / 'lr.json').is_file()


def test_dump_without_boxes_is_refused(tmp_path):
    s = sample(np.zeros((J, 2)), np.zeros((J, 2)), 0.0, 'lab')
    del s['bbox_scale']
    path = str(tmp_path / 'preds.npz')
    save_dump(path, [s])
    with pytest.raises(KeyError, match="preds.npz: a sample has no 'bbox_scale'"):
        tool.main([path])
