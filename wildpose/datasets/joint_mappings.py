"""Every dataset's joint layout mapped onto wildpose's 16 joints, in one place.

wildpose predicts the 16 MPII joints of :mod:`wildpose.structures.skeleton`
(0 r_ankle, 1 r_knee, 2 r_hip, 3 l_hip, 4 l_knee, 5 l_ankle, 6 pelvis, 7 thorax,
8 upper_neck, 9 head_top, 10 r_wrist, 11 r_elbow, 12 r_shoulder, 13 l_shoulder,
14 l_elbow, 15 l_wrist). The layouts read by wildpose's datasets:

``wildpose16`` / ``mpii16``
    MPII's own order: identity.

``h36m17`` (Human3.6M's 17 joints as MMPose's preprocessing and most repos keep them:
0 pelvis, 1 r_hip, 2 r_knee, 3 r_foot, 4 l_hip, 5 l_knee, 6 l_foot, 7 spine, 8 thorax,
9 neck/nose, 10 head, 11 l_shoulder, 12 l_elbow, 13 l_wrist, 14 r_shoulder, 15 r_elbow,
16 r_wrist)
    our joint k <- Human3.6M ``H36M_TO_WILDPOSE[k]`` (the original authors' mapping):
    Human3.6M's spine stands in for our thorax, its thorax for our upper neck, its head
    for our head top; neck/nose is dropped. For **3D** targets the original code moves
    the thorax to the shoulders' midpoint (``h36m_to_wildpose(..., thorax_3d=True)``);
    the 2D thorax stays Human3.6M's spine. (The thorax is in no bone, so only its depth
    target and metric error see this.)

``mpi_inf_3dhp17`` (MPI-INF-3DHP's 17 test-set joints, the order of the official test
annotations and of MMPose's preprocessing for both splits: 0 head_top, 1 neck,
2 r_shoulder, 3 r_elbow, 4 r_wrist, 5 l_shoulder, 6 l_elbow, 7 l_wrist, 8 r_hip,
9 r_knee, 10 r_ankle, 11 l_hip, 12 l_knee, 13 l_ankle, 14 pelvis, 15 spine, 16 head)
    limbs one to one; as for Human3.6M, spine -> thorax, neck -> upper neck,
    head_top -> head top; 'head' (the head's centre) is dropped. ``thorax_3d`` moves
    the 3D thorax to the shoulders' midpoint here too.

``coco17`` (0 nose, 1 l_eye, 2 r_eye, 3 l_ear, 4 r_ear, 5 l_shoulder, 6 r_shoulder,
7 l_elbow, 8 r_elbow, 9 l_wrist, 10 r_wrist, 11 l_hip, 12 r_hip, 13 l_knee, 14 r_knee,
15 l_ankle, 16 r_ankle)
    limbs map one to one. COCO has no pelvis, thorax, neck or head top; wildpose
    derives what the geometry allows and says so (``COCO_DERIVED``):

    - pelvis = midpoint of the two hips (visible only if both hips are);
    - thorax = midpoint of the two shoulders (visible only if both shoulders are);
    - upper neck = midpoint of the two shoulders as well (``coco_upper_neck='shoulders'``,
      the default; an approximation: MPII's upper neck sits a neck's length higher) or
      left unlabelled (``'invisible'``);
    - head top: **not derivable** (COCO's face points do not reach the crown): always
      unlabelled, coordinates 0.

    An unlabelled joint has visibility 0 and coordinates 0: the heatmap loss ignores it
    and the geometric constraint drops its bones.

**Handedness.** Some published metadata files label Human3.6M's indices 1-3 as the left
leg. wildpose follows the mapping above (1-3 right); if a conversion of your own swapped
them, pass ``swap_left_right=True`` (Human3.6M, MPI-INF-3DHP datasets) after checking
against the images. MPII and Human3.6M also place the hips differently: a known
inconsistency that the original authors accepted.
"""
from __future__ import annotations

import numpy as np

from ..structures.skeleton import H36M_TO_WILDPOSE, NUM_JOINTS, flip_indices

#: Human3.6M 17 -> wildpose 16 (re-exported from the skeleton module)
H36M_INDEX: tuple[int, ...] = H36M_TO_WILDPOSE
#: MPI-INF-3DHP 17 (test-set order) -> wildpose 16
MPI_INF_3DHP_INDEX: tuple[int, ...] = (10, 9, 8, 11, 12, 13, 14, 15, 1, 0, 4, 3, 2, 5, 6, 7)
#: left and right shoulders (17-joint indices), for the 3D thorax
H36M_SHOULDERS: tuple[int, int] = (11, 14)
MPI_INF_3DHP_SHOULDERS: tuple[int, int] = (5, 2)

#: COCO 17 -> wildpose 16 for the joints COCO has (-1: derived or unlabelled)
COCO_INDEX: tuple[int, ...] = (16, 14, 12, 11, 13, 15, -1, -1, -1, -1, 10, 8, 6, 5, 7, 9)
#: wildpose joints derived from COCO: joint -> (COCO joints averaged); head top absent
COCO_DERIVED: dict[int, tuple[int, int]] = {6: (11, 12), 7: (5, 6), 8: (5, 6)}

#: number of joints of each layout
LAYOUT_JOINTS: dict[str, int] = dict(wildpose16=16, mpii16=16, h36m17=17,
                                     mpi_inf_3dhp17=17, coco17=17)


def _check(arr: np.ndarray, num: int, what: str) -> np.ndarray:
    arr = np.asarray(arr)
    if arr.ndim < 2 or arr.shape[-2] != num:
        raise ValueError(f'{what}: expected shape (..., {num}, C), got {arr.shape}')
    return arr


def swap_left_right(joints: np.ndarray) -> np.ndarray:
    """Swap our left and right joints: (..., 16, C) -> (..., 16, C)."""
    return _check(joints, NUM_JOINTS, 'swap_left_right')[..., flip_indices(), :]


def h36m_to_wildpose(joints: np.ndarray, thorax_3d: bool = False) -> np.ndarray:
    """Human3.6M (..., 17, C) -> wildpose (..., 16, C), C >= 2 (any trailing columns,
    e.g. visibility, are carried along).

    ``thorax_3d``: set our thorax (7) to the midpoint of Human3.6M's shoulders, as the
    original does for 3D targets (a trailing visibility column becomes the product of
    the two shoulders' visibilities).
    """
    joints = _check(joints, 17, 'h36m_to_wildpose')
    out = joints[..., list(H36M_INDEX), :].copy()
    if thorax_3d:
        out[..., 7, :] = _midpoint(joints, *H36M_SHOULDERS)
    return out


def mpi_inf_3dhp_to_wildpose(joints: np.ndarray, thorax_3d: bool = False) -> np.ndarray:
    """MPI-INF-3DHP 17 (test-set order) (..., 17, C) -> wildpose (..., 16, C).

    ``thorax_3d`` as :func:`h36m_to_wildpose`.
    """
    joints = _check(joints, 17, 'mpi_inf_3dhp_to_wildpose')
    out = joints[..., list(MPI_INF_3DHP_INDEX), :].copy()
    if thorax_3d:
        out[..., 7, :] = _midpoint(joints, *MPI_INF_3DHP_SHOULDERS)
    return out


def _midpoint(joints: np.ndarray, a: int, b: int, vis_col: int | None = None) -> np.ndarray:
    """Midpoint of joints a and b; with ``vis_col`` that column is the product of the two
    visibilities (i.e. 1 only when both are labelled)."""
    mid = 0.5 * (joints[..., a, :] + joints[..., b, :])
    if joints.shape[-1] > 3 or vis_col is not None:
        col = joints.shape[-1] - 1 if vis_col is None else vis_col
        mid[..., col] = (joints[..., a, col] > 0) & (joints[..., b, col] > 0)
    return mid


def coco_to_wildpose(keypoints: np.ndarray, upper_neck: str = 'shoulders'
                     ) -> np.ndarray:
    """COCO 17 (..., 17, 3) [x, y, v] -> wildpose (..., 16, 3) [x, y, labelled 0/1].

    COCO's ``v`` (0 unlabelled, 1 labelled but occluded, 2 visible) becomes 1 when
    ``v > 0``. Derived joints (see the module docstring): pelvis and thorax from the
    hips' / shoulders' midpoints, the upper neck from the shoulders (``'shoulders'``) or
    unlabelled (``'invisible'``); head top is always unlabelled. A derived joint is
    labelled only when both its source joints are; unlabelled joints get coordinates 0.
    """
    if upper_neck not in ('shoulders', 'invisible'):
        raise ValueError(f"upper_neck must be 'shoulders' or 'invisible', got {upper_neck!r}")
    kpts = _check(keypoints, 17, 'coco_to_wildpose').astype(np.float32)
    if kpts.shape[-1] != 3:
        raise ValueError(f'coco_to_wildpose: expected (..., 17, 3) [x, y, v], got {kpts.shape}')
    src = kpts.copy()
    src[..., 2] = (src[..., 2] > 0).astype(np.float32)
    out = np.zeros(kpts.shape[:-2] + (NUM_JOINTS, 3), np.float32)
    for k, c in enumerate(COCO_INDEX):
        if c >= 0:
            out[..., k, :] = src[..., c, :]
    for k, (a, b) in COCO_DERIVED.items():
        if k == 8 and upper_neck == 'invisible':
            continue
        out[..., k, :] = _midpoint(src, a, b, vis_col=2)
    out[..., :2] *= out[..., 2:3]  # unlabelled -> coordinates 0
    return out


def to_wildpose(joints: np.ndarray, layout: str, thorax_3d: bool = False) -> np.ndarray:
    """Map (..., J, C) joints of ``layout`` (a key of ``LAYOUT_JOINTS``) onto ours.

    For ``coco17`` C must be 3 (x, y, v); ``thorax_3d`` applies to the 17-joint lab
    layouts.
    """
    if layout in ('wildpose16', 'mpii16'):
        return _check(joints, NUM_JOINTS, layout).copy()
    if layout == 'h36m17':
        return h36m_to_wildpose(joints, thorax_3d)
    if layout == 'mpi_inf_3dhp17':
        return mpi_inf_3dhp_to_wildpose(joints, thorax_3d)
    if layout == 'coco17':
        return coco_to_wildpose(joints)
    raise ValueError(f'unknown joint layout {layout!r}; known: {sorted(LAYOUT_JOINTS)}')
