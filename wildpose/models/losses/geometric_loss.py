"""The geometric constraint (bone-length ratios) for samples without 3D labels.

The maths lives in :func:`wildpose.ops.bone_ratio_loss` (compiled where available,
pure PyTorch otherwise); this class only wires it in with a weight and the bone groups.
"""
from __future__ import annotations

from typing import Any, Sequence

from torch import Tensor, nn

from ... import ops
from ...registry import MODELS
from ...structures.skeleton import BONE_GROUPS, BoneGroup


def to_bone_groups(groups: Sequence[BoneGroup | dict[str, Any]] | None
                   ) -> tuple[BoneGroup, ...]:
    """Bone groups from ``BoneGroup`` objects or config dicts ``(name, bones, weights)``.

    ``None`` gives the paper's groups (:data:`~wildpose.structures.skeleton.BONE_GROUPS`).
    """
    if groups is None:
        return tuple(BONE_GROUPS)
    out: list[BoneGroup] = []
    for k, group in enumerate(groups):
        if isinstance(group, BoneGroup):
            out.append(group)
            continue
        if not isinstance(group, dict) or not {'bones', 'weights'} <= set(group):
            raise ValueError(f'GeometricConstraintLoss: groups[{k}] must be a BoneGroup or a '
                             f"dict with 'bones' and 'weights' (and 'name'), got {group!r}")
        bones = tuple((int(a), int(b)) for a, b in group['bones'])
        weights = tuple(float(w) for w in group['weights'])
        if len(bones) != len(weights) or not bones:
            raise ValueError(f'GeometricConstraintLoss: groups[{k}] has {len(bones)} bones '
                             f'and {len(weights)} weights; need one weight per bone, >= 1 bone')
        out.append(BoneGroup(str(group.get('name', f'group{k}')), bones, weights))
    return tuple(out)


@MODELS.register_module()
class GeometricConstraintLoss(nn.Module):
    """``loss_weight * bone_ratio_loss(xy, z, visible, has_3d, groups)``.

    For each 2D-only sample and bone group R, with ``l_e`` the 3D length of bone e built
    from the ground-truth 2D joints and the predicted depths, ``w_e`` the group weights
    and ``m_R`` the mean of ``w_e l_e`` over the ``n_R`` visible bones, the loss adds
    ``sum_e (w_e l_e - m_R)^2 / (2 n_R)``; the sum over samples is divided by the batch size.

    Args:
        loss_weight: factor on the loss (0.01 in the paper).
        groups: bone groups, as ``BoneGroup`` or dicts ``(name, bones, weights)``;
            ``None`` for the paper's legs, arms, hips and shoulders.
    """

    def __init__(self, loss_weight: float = 0.01,
                 groups: Sequence[BoneGroup | dict[str, Any]] | None = None) -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self.groups = to_bone_groups(groups)

    def forward(self, xy: Tensor, z: Tensor, visible: Tensor, has_3d: Tensor) -> Tensor:
        """xy: (B, J, 2) GT joints and z: (B, J) predicted depths, in the same units
        (normalised heatmap px); visible: (B, J); has_3d: (B,) bool. Returns a scalar."""
        loss = ops.bone_ratio_loss(xy.to(z.dtype), z, visible, has_3d.bool(), self.groups)
        return self.loss_weight * loss
