import numpy as np
import pytest

from wildpose.evaluation.functional import (mpjpe, pa_mpjpe, pck, pck_auc, procrustes_align,
                                            root_align)


def _rot_z(theta: float) -> np.ndarray:
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1.0]])


def test_mpjpe_hand_computed():
    gt = np.zeros((1, 3, 3))
    pred = np.array([[[3.0, 4.0, 0.0], [0, 0, 0], [0, 0, 2.0]]])
    assert mpjpe(pred, gt)[0] == pytest.approx((5 + 0 + 2) / 3)
    mask = np.array([[True, False, True]])
    assert mpjpe(pred, gt, mask)[0] == pytest.approx(3.5)


def test_root_align_moves_root_to_origin():
    pose = np.arange(18, dtype=float).reshape(1, 6, 3)
    aligned = root_align(pose, root=2)
    assert np.allclose(aligned[0, 2], 0)
    assert np.allclose(aligned[0, 0], pose[0, 0] - pose[0, 2])


def test_procrustes_undoes_rotation_scale_and_shift():
    rng = np.random.default_rng(0)
    gt = rng.normal(size=(4, 16, 3)) * 200
    pred = 0.6 * gt @ _rot_z(0.9).T + np.array([10.0, -4.0, 30.0])
    assert np.allclose(procrustes_align(pred, gt), gt, atol=1e-6)
    assert pa_mpjpe(pred, gt).max() < 1e-6
    assert mpjpe(pred, gt).min() > 10  # Protocol 1 does see the difference


def test_procrustes_never_reflects():
    rng = np.random.default_rng(1)
    gt = rng.normal(size=(2, 16, 3)) * 100
    mirrored = gt * np.array([-1.0, 1.0, 1.0])
    aligned = procrustes_align(mirrored, gt)
    # a reflection would fit exactly; a proper rotation cannot
    assert pa_mpjpe(mirrored, gt).min() > 1.0
    for n in range(2):
        centred_p = mirrored[n] - mirrored[n].mean(0)
        centred_a = aligned[n] - aligned[n].mean(0)
        _, _, vt = np.linalg.svd(centred_p.T @ centred_a)
        # orientation preserved: the map from pred to aligned has positive determinant
        m, *_ = np.linalg.lstsq(centred_p, centred_a, rcond=None)
        assert np.linalg.det(m) > 0


def test_pck_and_auc():
    gt = np.zeros((2, 2, 2))
    pred = np.array([[[1.0, 0], [3.0, 0]], [[0.5, 0], [10.0, 0]]])
    per_joint, mean = pck(pred, gt, norm=np.array([2.0, 2.0]), threshold=1.0)
    assert per_joint.tolist() == [1.0, 0.0]
    assert mean == 0.5
    auc = pck_auc(pred, gt, thresholds=np.array([0.0, 1.0, 5.0]))
    assert auc == pytest.approx(np.mean([0.0, 0.5, 0.75]))


# ----------------------------------------------------------------- PCKh, 3DPCK, averaging
from wildpose.evaluation.functional import (AUC_THRESHOLDS_MM, auc_3d,  # noqa: E402
                                            grouped_means, pck_3d, pckh, percent_of,
                                            scores_per_group)


def test_pckh_uses_each_samples_head_size():
    gt = np.zeros((2, 3, 2))
    # errors: sample 0 -> 4, 6, 1 px (head 10: thr 5 px); sample 1 -> 4, 6, 30 (head 20: 10 px)
    pred = np.array([[[4.0, 0], [0, 6.0], [1.0, 0]], [[4.0, 0], [6.0, 0], [30.0, 0]]])
    per_joint, mean = pckh(pred, gt, head_size=np.array([10.0, 20.0]), threshold=0.5)
    assert per_joint.tolist() == [1.0, 0.5, 0.5]
    assert mean == pytest.approx(4 / 6)
    # the mean over a joint subset, the per-joint values unchanged
    per_joint2, mean2 = pckh(pred, gt, np.array([10.0, 20.0]), 0.5, joints=[0, 1])
    assert mean2 == pytest.approx(3 / 4)
    assert np.array_equal(per_joint, per_joint2)
    # invisible joints do not count
    mask = np.array([[True, False, True], [True, True, False]])
    per_joint3, mean3 = pckh(pred, gt, np.array([10.0, 20.0]), 0.5, mask)
    assert per_joint3.tolist() == [1.0, 1.0, 1.0] and mean3 == 1.0


def test_pckh_rejects_bad_head_size():
    with pytest.raises(ValueError, match='head_size'):
        pckh(np.zeros((1, 2, 2)), np.zeros((1, 2, 2)), np.array([0.0]))
    with pytest.raises(ValueError, match='head_size'):
        pckh(np.zeros((2, 2, 2)), np.zeros((2, 2, 2)), np.array([1.0]))


def test_3dpck_and_auc_hand_values():
    gt = np.zeros((1, 3, 3))
    pred = np.array([[[0.0, 0, 0], [0, 100.0, 0], [0, 0, 160.0]]])  # errors 0, 100, 160 mm
    per_joint, mean = pck_3d(pred, gt, 150.0)
    assert per_joint.tolist() == [1.0, 1.0, 0.0] and mean == pytest.approx(2 / 3)
    assert len(AUC_THRESHOLDS_MM) == 31 and AUC_THRESHOLDS_MM[-1] == 150
    # 0 mm is correct at all 31 thresholds, 100 mm at 100..150 (11), 160 mm at none
    assert auc_3d(pred, gt) == pytest.approx((31 + 11 + 0) / 93)


def test_grouped_means_over_frames_and_per_group():
    out = grouped_means({'e': np.array([1.0, 2.0, 3.0, 10.0, np.nan])},
                        ['a', 'a', 'a', 'b', 'b'])
    assert out == {'e': pytest.approx(4.0), 'a/e': 2.0, 'b/e': 10.0}  # NaN ignored
    named = grouped_means({'e': np.array([1.0, 3.0])}, ['x', ''], prefix=lambda g: f'k/{g}/')
    assert named == {'e': 2.0, 'k/x/e': 1.0}  # '' counts only overall
    with pytest.raises(ValueError, match='group names'):
        grouped_means({'e': np.zeros(3)}, ['a'])


def test_percent_of_pools_hits_over_counted_entries():
    hits = np.array([[True, False], [True, True]])
    counted = np.array([[True, True], [False, True]])  # a hit that does not count is ignored
    assert percent_of(hits, counted) == pytest.approx(100 * 2 / 3)
    assert np.isnan(percent_of(hits, np.zeros_like(counted)))


def test_scores_per_group_scores_all_then_each_group_on_its_indices():
    values = np.array([1.0, 2.0, 4.0, 8.0])
    out = scores_per_group(lambda idx: {'s': float(values[idx].sum()), 'n': len(idx)}, 4,
                           ['b', 'a', 'b', ''])
    assert list(out) == ['s', 'n', 'b/s', 'b/n', 'a/s', 'a/n']  # first-seen group order
    assert out == {'s': 15.0, 'n': 4, 'b/s': 5.0, 'b/n': 2, 'a/s': 2.0, 'a/n': 1}
    assert scores_per_group(lambda idx: {'n': len(idx)}, 3, None) == {'n': 3}
    with pytest.raises(ValueError, match='2 group names for 3'):
        scores_per_group(lambda idx: {}, 3, ['a', 'b'])


def test_masked_procrustes_fits_on_masked_joints_only():
    rng = np.random.default_rng(2)
    gt = rng.normal(size=(1, 16, 3)) * 100
    pred = 2.0 * gt @ _rot_z(-0.4).T + 5.0
    pred_bad = pred.copy()
    pred_bad[0, 0] += 1000.0  # an outlier outside the mask does not disturb the fit
    mask = np.ones((1, 16), dtype=bool)
    mask[0, 0] = False
    aligned = procrustes_align(pred_bad, gt, mask)
    assert np.allclose(aligned[0, 1:], gt[0, 1:], atol=1e-6)
    assert pa_mpjpe(pred_bad, gt, mask)[0] < 1e-6


def test_left_right_confusion_counts_joints_nearer_their_mirror():
    from wildpose.evaluation.functional import left_right_confusion
    gt = np.zeros((2, 4, 2))
    gt[:, 0] = [10, 0]   # left knee
    gt[:, 1] = [-10, 0]  # right knee
    gt[:, 2] = [12, 50]  # left ankle
    gt[:, 3] = [-12, 50]  # right ankle
    pairs = [(0, 1), (2, 3)]
    pred = gt.copy()
    pred[0, 0] = [-8, 1]   # sample 0: left knee predicted on the right knee
    pred[1] = gt[1][[1, 0, 3, 2]]  # sample 1: everything swapped
    mask = np.ones((2, 4), bool)
    mask[0, 3] = False     # sample 0: right ankle invisible -> the ankle pair is not counted
    confused, counted = left_right_confusion(pred, gt, pairs, mask)
    assert counted.tolist() == [[True, True, False, False], [True, True, True, True]]
    assert confused.tolist() == [[True, False, False, False], [True, True, True, True]]
    # exact predictions are never confused; ties (a centre prediction) are not confused
    c, _ = left_right_confusion(gt, gt, pairs)
    assert not c.any()
    mid = gt.copy()
    mid[:, :2] = [0, 0]
    c, _ = left_right_confusion(mid, gt, pairs)
    assert not c[:, :2].any()


def test_bone_depth_order_errors_counts_bones_flipped_in_depth():
    from wildpose.evaluation.functional import bone_depth_order_errors
    bones = [(0, 1), (1, 2), (2, 3)]
    # ground truth: bone 0 goes 300 mm away from the camera, bone 1 50 mm (too flat to
    # count with a 100 mm gap), bone 2 200 mm towards it
    gt = np.array([[[0, 0, 5000], [0, 400, 5300], [0, 800, 5350], [0, 900, 5150]]], float)
    pred = gt.copy()
    pred[0, 1, 2] = 4800          # bone 0 now points towards the camera: wrong
    pred[0, 2, 2] = pred[0, 1, 2] - 30    # bone 1 flipped, but it does not count
    pred[0, 3, 2] = pred[0, 2, 2] - 10    # bone 2 still towards the camera: right
    wrong, counted = bone_depth_order_errors(pred, gt, bones, min_depth_gap=100.0)
    assert counted.tolist() == [[True, False, True]]
    assert wrong.tolist() == [[True, False, False]]
    # the flipped pose's lengths are not what is measured: the exact pose has no error,
    # a pose mirrored in depth has every counted bone wrong, a masked joint drops its bones
    assert not bone_depth_order_errors(gt, gt, bones)[0].any()
    mirrored = gt * [1, 1, -1]
    assert bone_depth_order_errors(mirrored, gt, bones)[0].tolist() == [[True, False, True]]
    mask = np.array([[True, False, True, True]])
    assert bone_depth_order_errors(pred, gt, bones, 100.0, mask)[1].tolist() == \
        [[False, False, True]]
