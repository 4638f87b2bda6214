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
