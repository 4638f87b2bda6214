import numpy as np
import pytest

from wildpose.datasets.joint_mappings import (COCO_INDEX, coco_to_wildpose, h36m_to_wildpose,
                                              mpi_inf_3dhp_to_wildpose, swap_left_right,
                                              to_wildpose)
from wildpose.structures.skeleton import JOINT_NAMES, flip_indices

H36M_NAMES = ('pelvis', 'r_hip', 'r_knee', 'r_foot', 'l_hip', 'l_knee', 'l_foot', 'spine',
              'thorax', 'neck_nose', 'head', 'l_shoulder', 'l_elbow', 'l_wrist',
              'r_shoulder', 'r_elbow', 'r_wrist')
MPI3DHP_NAMES = ('head_top', 'neck', 'r_shoulder', 'r_elbow', 'r_wrist', 'l_shoulder',
                 'l_elbow', 'l_wrist', 'r_hip', 'r_knee', 'r_ankle', 'l_hip', 'l_knee',
                 'l_ankle', 'pelvis', 'spine', 'head')
COCO_NAMES = ('nose', 'l_eye', 'r_eye', 'l_ear', 'r_ear', 'l_shoulder', 'r_shoulder',
              'l_elbow', 'r_elbow', 'l_wrist', 'r_wrist', 'l_hip', 'r_hip', 'l_knee',
              'r_knee', 'l_ankle', 'r_ankle')

#: which source joint each of ours must come from (by name), per layout
EXPECTED_H36M = dict(r_ankle='r_foot', r_knee='r_knee', r_hip='r_hip', l_hip='l_hip',
                     l_knee='l_knee', l_ankle='l_foot', pelvis='pelvis', thorax='spine',
                     upper_neck='thorax', head_top='head', r_wrist='r_wrist',
                     r_elbow='r_elbow', r_shoulder='r_shoulder', l_shoulder='l_shoulder',
                     l_elbow='l_elbow', l_wrist='l_wrist')
EXPECTED_3DHP = dict(EXPECTED_H36M, r_ankle='r_ankle', l_ankle='l_ankle', upper_neck='neck',
                     head_top='head_top')


def _labelled(num):
    """(num, 3) joints whose x is the joint index: the mapping's output names its source."""
    j = np.zeros((num, 3))
    j[:, 0] = np.arange(num)
    j[:, 1] = 100 + np.arange(num)
    j[:, 2] = 1
    return j


@pytest.mark.parametrize('fn,names,expected', [
    (h36m_to_wildpose, H36M_NAMES, EXPECTED_H36M),
    (mpi_inf_3dhp_to_wildpose, MPI3DHP_NAMES, EXPECTED_3DHP)])
def test_lab_layouts_map_by_name(fn, names, expected):
    out = fn(_labelled(17))
    assert out.shape == (16, 3)
    for k, ours in enumerate(JOINT_NAMES):
        assert names[int(out[k, 0])] == expected[ours], ours
    # handedness: every left joint of ours comes from a left joint of the source
    for k, ours in enumerate(JOINT_NAMES):
        if ours[:2] in ('l_', 'r_'):
            assert names[int(out[k, 0])][:2] == ours[:2], ours


@pytest.mark.parametrize('fn,shoulders', [(h36m_to_wildpose, (11, 14)),
                                          (mpi_inf_3dhp_to_wildpose, (5, 2))])
def test_thorax_3d_is_shoulder_midpoint(fn, shoulders):
    rng = np.random.default_rng(0)
    pose = np.concatenate([rng.normal(size=(2, 17, 3)), np.ones((2, 17, 1))], axis=-1)
    pose[1, shoulders[0], 3] = 0  # one shoulder unlabelled in the second sample
    out = fn(pose, thorax_3d=True)
    mid = 0.5 * (pose[:, shoulders[0], :3] + pose[:, shoulders[1], :3])
    np.testing.assert_allclose(out[:, 7, :3], mid)
    np.testing.assert_array_equal(out[:, 7, 3], [1, 0])
    # without the rule the thorax is the source's spine
    spine = 7 if fn is h36m_to_wildpose else 15
    np.testing.assert_allclose(fn(pose)[:, 7], pose[:, spine])


def test_coco_limbs_and_derived_joints():
    kpts = _labelled(17)
    kpts[:, 2] = 2  # COCO 'visible'
    out = coco_to_wildpose(kpts)
    for k, ours in enumerate(JOINT_NAMES):
        if COCO_INDEX[k] >= 0:
            assert COCO_NAMES[int(out[k, 0])] == ours, ours
    np.testing.assert_allclose(out[6, :2], 0.5 * (kpts[11, :2] + kpts[12, :2]))  # pelvis
    np.testing.assert_allclose(out[7, :2], 0.5 * (kpts[5, :2] + kpts[6, :2]))    # thorax
    np.testing.assert_allclose(out[8, :2], 0.5 * (kpts[5, :2] + kpts[6, :2]))    # neck
    np.testing.assert_array_equal(out[9], [0, 0, 0])                            # head top
    assert set(np.unique(out[:, 2])) <= {0.0, 1.0}


def test_coco_unlabelled_sources_make_derived_joints_unlabelled():
    kpts = _labelled(17)
    kpts[12, 2] = 0   # right hip unlabelled
    kpts[5, 2] = 1    # left shoulder occluded but labelled
    out = coco_to_wildpose(kpts)
    assert out[6, 2] == 0 and np.all(out[6, :2] == 0)   # pelvis needs both hips
    assert out[2, 2] == 0 and np.all(out[2, :2] == 0)   # r_hip itself
    assert out[7, 2] == 1                               # thorax: both shoulders labelled
    inv = coco_to_wildpose(kpts, upper_neck='invisible')
    assert inv[8, 2] == 0 and np.all(inv[8, :2] == 0)
    with pytest.raises(ValueError, match='upper_neck'):
        coco_to_wildpose(kpts, upper_neck='ears')


def test_swap_left_right_is_an_involution_and_swaps_names():
    j = _labelled(16)
    swapped = swap_left_right(j)
    np.testing.assert_array_equal(swap_left_right(swapped), j)
    perm = flip_indices()
    for k in range(16):
        assert JOINT_NAMES[int(swapped[k, 0])] == JOINT_NAMES[perm[k]]


def test_to_wildpose_dispatch_and_errors():
    np.testing.assert_array_equal(to_wildpose(_labelled(16), 'mpii16'), _labelled(16))
    np.testing.assert_array_equal(to_wildpose(_labelled(17), 'h36m17'),
                                  h36m_to_wildpose(_labelled(17)))
    with pytest.raises(ValueError, match="unknown joint layout 'h36m32'"):
        to_wildpose(_labelled(17), 'h36m32')
    with pytest.raises(ValueError, match=r'expected shape \(\.\.\., 17, C\)'):
        to_wildpose(_labelled(16), 'h36m17')
