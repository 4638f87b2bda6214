"""From a predicted pose in heatmap pixels to a metric, root-relative 3D pose.

The network predicts (x, y) from heatmaps and a depth z, all in heatmap px: a pose up to
an unknown metric scale. Following Zhou et al. (2017), the pose is given a metric size by
rescaling it so that the sum of its 14 bone lengths equals that of a reference skeleton
(Human3.6M's mean: 4296.99 mm).
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor

from ..structures.skeleton import BONES, H36M_BONE_LENGTH_SUM_MM, ROOT, THORAX, UPPER_NECK


def bone_length_sum(pose: Tensor, bones: Sequence[tuple[int, int]] = BONES) -> Tensor:
    """Sum of bone lengths. pose: (B, J, D) -> (B,), in the units of ``pose``."""
    parents = torch.tensor([p for p, _ in bones], device=pose.device)
    children = torch.tensor([c for _, c in bones], device=pose.device)
    return (pose[:, parents] - pose[:, children]).norm(dim=-1).sum(dim=-1)


def pose_to_metric(pose: Tensor, bone_sum_mm: float = H36M_BONE_LENGTH_SUM_MM,
                   root: int = ROOT, thorax_midpoint: bool = False,
                   bones: Sequence[tuple[int, int]] = BONES) -> Tensor:
    """Root-relative metric pose from a pose in arbitrary (pixel) units.

    Args:
        pose: (B, J, 3) joints (x, y, z) in one unit (e.g. heatmap px).
        bone_sum_mm: the total bone length the result gets, in mm.
        root: joint placed at the origin.
        thorax_midpoint: replace the thorax by the midpoint of pelvis and upper neck (the
            original authors' trick to stand where Human3.6M's spine joint is).

    Returns:
        (B, J, 3) root-relative joints in mm; a degenerate pose (all bones of length 0)
        stays at the origin.
    """
    pose = pose - pose[:, root:root + 1]
    if thorax_midpoint:
        pose = pose.clone()
        pose[:, THORAX] = 0.5 * (pose[:, root] + pose[:, UPPER_NECK])
    total = bone_length_sum(pose, bones)
    scale = bone_sum_mm / total.clamp_min(1e-9)
    return pose * scale[:, None, None]
