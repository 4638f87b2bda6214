"""The public ops: compiled kernels where available, the references otherwise.

``soft_argmax`` and ``bone_ratio_loss`` have the signatures of their references in
:mod:`wildpose.ops.reference`. Each call asks :mod:`wildpose.ops._loader` whether the
compiled kernels serve the input's device (the first call loads, or builds, them);
gradients come from hand-written backward kernels (``torch.autograd.Function``; first
order only).
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor
from torch.autograd.function import once_differentiable

from ..structures.skeleton import BONE_GROUPS, BoneGroup
from . import _loader
from .arguments import check_bone_ratio_args, check_soft_argmax_args, joints_needed
from .reference import bone_ratio_loss_reference, soft_argmax_reference

_KERNEL_DTYPES = (torch.float32, torch.float64)
_is_compiling = getattr(getattr(torch, 'compiler', None), 'is_compiling', lambda: False)
_is_exporting = getattr(getattr(torch, 'compiler', None), 'is_exporting', lambda: False)


def _exporting() -> bool:
    """Whether the call is being traced for export (``torch.onnx.export``,
    ``torch.jit.trace``, ``torch.export``): the graph then records the pure-PyTorch
    references, which any runtime can run, instead of wildpose's compiled ops."""
    return torch.jit.is_tracing() or torch.onnx.is_in_onnx_export() or _is_exporting()


def _use_kernels(device: torch.device) -> bool:
    """Whether the compiled kernels serve ``device``.

    Under torch.compile the choice is read from the library state alone (no loading, no
    lock, no environment), so that it traces to a constant: call an op once eagerly
    before compiling to have the graph use the kernels.
    """
    if _is_compiling():
        lib = _loader._library
        return (lib is not None and lib.loaded
                and (device.type == 'cpu' or (device.type == 'cuda' and lib.cuda)))
    return _loader.compiled_for(device)


class SoftArgmaxFunction(torch.autograd.Function):
    """(B, J, H, W) heatmaps -> (B, J, 2) coordinates and (B, J) confidences."""

    @staticmethod
    def forward(ctx, heatmaps: Tensor, beta: float) -> tuple[Tensor, Tensor]:
        coords, maxv, inv = torch.ops.wildpose.soft_argmax_forward(heatmaps, beta)
        ctx.save_for_backward(heatmaps, coords, maxv, inv)
        ctx.beta = beta
        ctx.set_materialize_grads(False)  # an unused output's gradient stays None
        return coords, inv

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_coords: Tensor | None, grad_conf: Tensor | None):
        if grad_coords is None and grad_conf is None:
            return None, None
        heatmaps, coords, maxv, inv = ctx.saved_tensors
        if grad_coords is None:
            grad_coords = torch.zeros_like(coords)
        grad = torch.ops.wildpose.soft_argmax_backward(grad_coords, grad_conf, heatmaps,
                                                       coords, maxv, inv, ctx.beta)
        return grad, None


class BoneRatioLossFunction(torch.autograd.Function):
    """(B, J, 2) xy, (B, J) z, visibility and has_3d, bone tables -> scalar loss."""

    @staticmethod
    def forward(ctx, xy: Tensor, z: Tensor, visible: Tensor, has_3d: Tensor,
                tables: tuple[Tensor, Tensor, Tensor, Tensor]) -> Tensor:
        loss = torch.ops.wildpose.bone_ratio_loss_forward(xy, z, visible, has_3d, *tables)
        ctx.save_for_backward(xy, z, visible, has_3d)
        ctx.tables = tables
        return loss

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_loss: Tensor):
        xy, z, visible, has_3d = ctx.saved_tensors
        need_xy, need_z = ctx.needs_input_grad[:2]
        grad_xy, grad_z = torch.ops.wildpose.bone_ratio_loss_backward(
            grad_loss, xy, z, visible, has_3d, *ctx.tables)
        return (grad_xy if need_xy else None, grad_z if need_z else None, None, None, None)


def soft_argmax(heatmaps: Tensor, beta: float = 1.0, return_confidence: bool = False
                ) -> Tensor | tuple[Tensor, Tensor]:
    """Integral (soft-argmax) decoding of heatmaps; see :func:`soft_argmax_reference`.

    Args:
        heatmaps: (B, J, H, W) unnormalised scores, any strides. float16 / bfloat16 are
            computed in float32 and returned in their own dtype.
        beta: inverse temperature of the softmax over the H*W cells. A tensor ``beta``
            (a learnt temperature) runs the reference, which differentiates it.
        return_confidence: also return the largest normalised probability per joint.

    Returns:
        (B, J, 2) expected (x, y) in heatmap pixels (x is the column index), and, if
        asked, (B, J) confidences in (0, 1].
    """
    check_soft_argmax_args(heatmaps)
    if isinstance(beta, Tensor) or _exporting() or not _use_kernels(heatmaps.device):
        return soft_argmax_reference(heatmaps, beta, return_confidence)
    x = heatmaps if heatmaps.dtype in _KERNEL_DTYPES else heatmaps.float()
    coords, conf = SoftArgmaxFunction.apply(x, float(beta))
    if x is not heatmaps:
        coords, conf = coords.to(heatmaps.dtype), conf.to(heatmaps.dtype)
    return (coords, conf) if return_confidence else coords


# ---------------------------------------------------------------- bone tables
_tables_cache: dict[tuple[int, torch.device], tuple[object, tuple, int]] = {}


def _flatten_groups(groups: Sequence[BoneGroup]) -> tuple[list, list, list, list]:
    """The groups as four flat lists; call after :func:`arguments.joints_needed` checked them."""
    parents, children, weights, ids = [], [], [], []
    for index, group in enumerate(groups):
        for (parent, child), weight in zip(group.bones, group.weights):
            parents.append(int(parent))
            children.append(int(child))
            weights.append(float(weight))
            ids.append(index)
    return parents, children, weights, ids


def bone_tables(groups: Sequence[BoneGroup], device: torch.device
                ) -> tuple[tuple[Tensor, Tensor, Tensor, Tensor], int]:
    """The groups flattened for the kernels, cached per groups object and device.

    Returns:
        (parents (E,) int64, children (E,) int64, weights (E,) float64, group ids (E,)
        int64, non-decreasing) on ``device``, and the number of joints they need
        (largest index + 1).
    """
    key = (id(groups), device)
    entry = _tables_cache.get(key)
    if entry is not None and entry[0] is groups:
        return entry[1], entry[2]
    needed = joints_needed(groups)
    parents, children, weights, ids = _flatten_groups(groups)
    tables = (torch.tensor(parents, dtype=torch.int64, device=device),
              torch.tensor(children, dtype=torch.int64, device=device),
              torch.tensor(weights, dtype=torch.float64, device=device),
              torch.tensor(ids, dtype=torch.int64, device=device))
    if len(_tables_cache) > 64:  # many throwaway group lists: start over
        _tables_cache.clear()
    _tables_cache[key] = (groups, tables, needed)
    return tables, needed


def bone_ratio_loss(xy: Tensor, z: Tensor, visible: Tensor, has_3d: Tensor,
                    groups: Sequence[BoneGroup] = BONE_GROUPS) -> Tensor:
    """The geometric constraint on bone-length ratios; see :func:`bone_ratio_loss_reference`.

    Args:
        xy: (B, J, 2) ground-truth 2D joints, in the same units as ``z``.
        z: (B, J) predicted root-relative depths. float16 / bfloat16 are computed in
            float32; ``xy`` is cast to the dtype of ``z``.
        visible: (B, J) joint visibility (> 0 means visible).
        has_3d: (B,) bool; samples with 3D labels contribute nothing.
        groups: the bone groups and weights (default: the paper's).

    Returns:
        Scalar: sum over 2D-only samples divided by the batch size B.
    """
    check_bone_ratio_args(xy, z, visible, has_3d, groups)
    if not _use_kernels(z.device):
        return bone_ratio_loss_reference(xy, z, visible, has_3d, groups)
    tables, _ = bone_tables(groups, z.device)
    zz = z if z.dtype in _KERNEL_DTYPES else z.float()
    return BoneRatioLossFunction.apply(xy.to(zz.dtype), zz, visible, has_3d, tables)
