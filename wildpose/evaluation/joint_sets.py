"""Which of our 16 joints (MPII order, :mod:`wildpose.structures.skeleton`) each benchmark
evaluates.

- MPII PCKh: the mean leaves out pelvis (6) and thorax (7), as the usual MPII evaluation
  does; the per-joint table keeps all 16.
- MPI-INF-3DHP 3DPCK / AUC: the benchmark's standard 14 joints - head top, neck,
  shoulders, elbows, wrists, hips, knees, ankles. Its pelvis, spine and head (nose) are
  not evaluated; we have no spine or head-centre joint, and our pelvis (the root) and
  thorax are left out. Their neck is our upper neck (8).
"""
from __future__ import annotations

from ..structures.skeleton import JOINT_NAMES

#: joints in the MPII PCKh mean (all but pelvis 6 and thorax 7)
MPII_PCKH_JOINTS: tuple[int, ...] = tuple(j for j in range(len(JOINT_NAMES)) if j not in (6, 7))

#: MPI-INF-3DHP's 14 evaluated joints, in that benchmark's order:
#: head_top, neck, r_shoulder, r_elbow, r_wrist, l_shoulder, l_elbow, l_wrist,
#: r_hip, r_knee, r_ankle, l_hip, l_knee, l_ankle
MPI_INF_3DHP_JOINTS: tuple[int, ...] = (9, 8, 12, 11, 10, 13, 14, 15, 2, 1, 0, 3, 4, 5)

#: MPI-INF-3DHP's joint groups (per-group 3DPCK in its tables)
MPI_INF_3DHP_GROUPS: dict[str, tuple[int, ...]] = {
    'head': (9,), 'neck': (8,), 'shoulder': (12, 13), 'elbow': (11, 14),
    'wrist': (10, 15), 'hip': (2, 3), 'knee': (1, 4), 'ankle': (0, 5)}
