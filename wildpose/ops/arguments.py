"""Argument checks shared by both backends of each op.

The references (:mod:`wildpose.ops.reference`) and the compiled wrappers
(:mod:`wildpose.ops.functions`) call these before touching any data, so a bad argument
raises the same exception with the same message whichever backend runs: ``TypeError``
for a non-tensor or a wrong dtype, ``ValueError`` for a wrong shape or device. The C++
entry points repeat the shape, dtype and device checks for direct callers of
``torch.ops.wildpose.*``.
"""
from __future__ import annotations

from typing import Sequence

from torch import Tensor

from ..structures.skeleton import BoneGroup

_NAMES = ('xy', 'z', 'visible', 'has_3d')


def _require_tensor(op: str, name: str, value: object) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(f'{op}: {name} must be a torch.Tensor, got {type(value).__name__}')


def _require_real(op: str, name: str, value: Tensor, floating: bool) -> None:
    if floating and not value.is_floating_point():
        raise TypeError(f'{op}: {name} must be a floating-point tensor, got {value.dtype}')
    if value.is_complex():
        raise TypeError(f'{op}: {name} must be real, got {value.dtype}')


def check_soft_argmax_args(heatmaps: Tensor) -> None:
    """heatmaps: a floating-point (B, J, H, W) tensor with H, W > 0 (B or J may be 0)."""
    op = 'soft_argmax'
    _require_tensor(op, 'heatmaps', heatmaps)
    if heatmaps.dim() != 4:
        raise ValueError(f'{op}: heatmaps must be (B, J, H, W), got shape {tuple(heatmaps.shape)}')
    _require_real(op, 'heatmaps', heatmaps, floating=True)
    if heatmaps.shape[2] == 0 or heatmaps.shape[3] == 0:
        raise ValueError(f'{op}: heatmaps need at least one cell (H, W > 0), got shape '
                         f'{tuple(heatmaps.shape)}')


_needed_cache: dict[int, tuple[object, int]] = {}


def joints_needed(groups: Sequence[BoneGroup]) -> int:
    """The number of joints the groups' bones use (largest index + 1), after checking that
    each group has one weight per bone and no negative index; cached per groups object."""
    entry = _needed_cache.get(id(groups))
    if entry is not None and entry[0] is groups:
        return entry[1]
    needed = 0
    for group in groups:
        if len(group.bones) != len(group.weights):
            raise ValueError(f'groups: group {group.name!r} has {len(group.bones)} bones but '
                             f'{len(group.weights)} weights')
        for parent, child in group.bones:
            if int(parent) < 0 or int(child) < 0:
                raise ValueError(f'groups: group {group.name!r} has a negative joint index '
                                 f'in bone ({parent}, {child})')
            needed = max(needed, int(parent) + 1, int(child) + 1)
    if len(_needed_cache) > 64:  # many throwaway group lists: start over
        _needed_cache.clear()
    _needed_cache[id(groups)] = (groups, needed)
    return needed


def check_bone_ratio_args(xy: Tensor, z: Tensor, visible: Tensor, has_3d: Tensor,
                          groups: Sequence[BoneGroup]) -> None:
    """xy (B, J, 2) and z (B, J) floating point, visible (B, J), has_3d (B,), one device,
    and J large enough for every bone of ``groups``."""
    op = 'bone_ratio_loss'
    values = (xy, z, visible, has_3d)
    for name, value in zip(_NAMES, values):
        _require_tensor(op, name, value)
        _require_real(op, name, value, floating=name in ('xy', 'z'))
    for name, value in zip(_NAMES[1:], values[1:]):
        if value.device != xy.device:
            raise ValueError(f'{op}: {name} is on {value.device} but xy is on {xy.device}; '
                             f'all inputs must be on one device')
    if xy.dim() != 3 or xy.shape[-1] != 2:
        raise ValueError(f'{op}: xy must be (B, J, 2), got {tuple(xy.shape)}')
    batch_joints = tuple(xy.shape[:2])
    if tuple(z.shape) != batch_joints or tuple(visible.shape) != batch_joints:
        raise ValueError(f'{op}: z {tuple(z.shape)} and visible {tuple(visible.shape)} must '
                         f'be (B, J) = {batch_joints}')
    if tuple(has_3d.shape) != batch_joints[:1]:
        raise ValueError(f'{op}: has_3d must be (B,) = ({xy.shape[0]},), got '
                         f'{tuple(has_3d.shape)}')
    needed = joints_needed(groups)
    if needed > xy.shape[1]:
        raise ValueError(f'{op}: groups: a bone uses joint {needed - 1}, but the inputs have '
                         f'only {xy.shape[1]} joints')


def check_same_device(op: str, tensors: dict[str, Tensor]) -> None:
    """Raises RuntimeError naming the first tensor that is not on the first one's device
    (the shape-only versions of the compiled ops call this, as the kernels do)."""
    items = list(tensors.items())
    first_name, first = items[0]
    for name, value in items[1:]:
        if isinstance(value, Tensor) and value.device != first.device:
            raise RuntimeError(f'wildpose ops: {op}: {name} is on {value.device} but '
                               f'{first_name} is on {first.device}')


__all__ = ['check_soft_argmax_args', 'check_bone_ratio_args', 'joints_needed',
           'check_same_device']
