"""The 16-joint skeleton (MPII order) that every wildpose model predicts.

Everything layout-specific lives here: joint names, the root, left/right pairs, bones,
the bone groups and weights of the geometric constraint, and the Human3.6M mean
skeleton used to give predictions a metric size. Facts from Zhou et al. (ICCV 2017);
see ``docs/method.md``.
"""
from __future__ import annotations

from dataclasses import dataclass

JOINT_NAMES: tuple[str, ...] = (
    'r_ankle', 'r_knee', 'r_hip', 'l_hip', 'l_knee', 'l_ankle', 'pelvis', 'thorax',
    'upper_neck', 'head_top', 'r_wrist', 'r_elbow', 'r_shoulder', 'l_shoulder',
    'l_elbow', 'l_wrist')
NUM_JOINTS = len(JOINT_NAMES)
ROOT = 6  #: pelvis
THORAX = 7
UPPER_NECK = 8

#: left/right joint pairs swapped by a horizontal flip
FLIP_PAIRS: tuple[tuple[int, int], ...] = ((0, 5), (1, 4), (2, 3), (10, 15), (11, 14), (12, 13))

#: the 14 bones (parent, child)
BONES: tuple[tuple[int, int], ...] = (
    (0, 1), (1, 2), (2, 6), (6, 3), (3, 4), (4, 5),
    (10, 11), (11, 12), (12, 8), (8, 13), (13, 14), (14, 15),
    (6, 8), (8, 9))

#: Sum of the 14 bone lengths of the Human3.6M mean skeleton, in mm. Predictions (which
#: live in pixel units) are rescaled to this total before metric evaluation.
H36M_BONE_LENGTH_SUM_MM = 4296.99

#: Human3.6M's 17-joint index for each of our 16 joints (the original authors' mapping).
H36M_TO_WILDPOSE: tuple[int, ...] = (3, 2, 1, 4, 5, 6, 0, 7, 8, 10, 16, 15, 14, 11, 12, 13)


@dataclass(frozen=True)
class BoneGroup:
    """Bones whose weighted lengths the geometric constraint pushes to be equal.

    ``weights[k]`` multiplies the length of ``bones[k]`` so that the canonical
    skeleton's weighted lengths are equal within the group. The weights are the
    original authors' constants, from Human3.6M mean lengths (thigh 456.01 mm,
    shin 452.13 mm, upper arm 284.13 mm, forearm 249.77 mm).
    """
    name: str
    bones: tuple[tuple[int, int], ...]
    weights: tuple[float, ...]


#: The four groups of the geometric constraint (method.md): legs, arms, hips, shoulders.
BONE_GROUPS: tuple[BoneGroup, ...] = (
    BoneGroup('legs', ((0, 1), (1, 2), (3, 4), (4, 5)),
              (1.0085885, 1.0, 1.0, 1.0085885)),
    BoneGroup('arms', ((10, 11), (11, 12), (13, 14), (14, 15)),
              (1.1375361, 1.0, 1.0, 1.1375361)),
    BoneGroup('hips', ((2, 6), (3, 6)), (1.0, 1.0)),
    BoneGroup('shoulders', ((12, 8), (13, 8)), (1.0, 1.0)),
)


def flip_indices() -> list[int]:
    """Permutation that maps each joint to its mirror joint (identity for centre joints)."""
    perm = list(range(NUM_JOINTS))
    for a, b in FLIP_PAIRS:
        perm[a], perm[b] = b, a
    return perm


def is_left(joint: int) -> bool:
    """True for joints on the person's left side (used for colours in pictures)."""
    return JOINT_NAMES[joint].startswith('l_')


def is_right(joint: int) -> bool:
    return JOINT_NAMES[joint].startswith('r_')
