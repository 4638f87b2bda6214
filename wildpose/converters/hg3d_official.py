"""The authors' released model (pytorch-pose-hg-3d, branch ``hg3d``) as wildpose weights.

Their ``hgreg-3d.pth`` is ``torch.save(model)`` of ``models.hg_3d.HourglassNet3D``: the
stacked hourglass, the per-stack heatmap convolutions and the depth regression, the same
network as wildpose's ``HourglassNet`` + ``StackedHeatmapHead`` + ``DepthRegressionHead`` with
the paper's settings (configs/weak3d/hg_mixed_authors.py). Only the names differ:

=======================================  ==========================================
theirs (``HourglassNet3D``)               wildpose (``Weak3DPoseEstimator``)
=======================================  ==========================================
``conv1_``, ``bn1``, ``r1``, ``r4``, ``r5``  ``backbone.stem.{0,1,3,5,6}``
``hourglass.i`` (``up1_``, ``low1_``,       ``backbone.hourglasses.i`` (``up1``, ``low1``,
``low2``/``low2_``, ``low3_``)             ``low2``, ``low3``)
``Residual.{i*nModules+j}``              ``backbone.post.i.0.j``
``lin_.i.{0,1}`` (conv, BN)              ``backbone.post.i.{1,2}``
``tmpOut.i``                             ``head_2d.convs.i``
``ll_.i``, ``tmpOut_.i``                 ``backbone.merge_features.i``, ``merge_heatmaps.i``
``reg_.{s*nRegModules+j}``, ``reg``      ``head_depth.stages.{2s}.j``, ``head_depth.fc``
Residual ``bn conv1 bn1 conv2 bn2 conv3``  ``branch.{0,2,3,5,6,8}``; ``conv4`` -> ``skip``
=======================================  ==========================================

What differs outside the weights: their input is the BGR crop divided by 256 (no mean
subtraction), which hg_mixed_authors.py's data preprocessor reproduces; their
``nn.Upsample(scale_factor=2)`` equals wildpose's nearest up-sampling to the skip
branch's size for the even sizes of this network; their BatchNorm layers have no
``num_batches_tracked`` (zeros are written).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn

from ..utils.torch_file import PickledObject, iter_modules, module_state_dict, read_torch_file

#: the authors' module classes (accepted as inert stand-ins, never imported)
AUTHORS_CLASSES = ('models.hg_3d.HourglassNet3D', 'models.hg_3d.Hourglass',
                   'models.layers.Residual.Residual')
#: the torch layers their model is made of
TORCH_CLASSES = tuple(f'torch.nn.modules.{name}' for name in (
    'conv.Conv2d', 'batchnorm.BatchNorm2d', 'activation.ReLU', 'pooling.MaxPool2d',
    'upsampling.Upsample', 'container.Sequential', 'container.ModuleList', 'linear.Linear'))
ROOT_CLASS = AUTHORS_CLASSES[0]
_RESIDUAL = {'bn': 'branch.0', 'conv1': 'branch.2', 'bn1': 'branch.3', 'conv2': 'branch.5',
             'bn2': 'branch.6', 'conv3': 'branch.8', 'conv4': 'skip'}
_STEM = {'conv1_': 'backbone.stem.0', 'bn1': 'backbone.stem.1', 'r1': 'backbone.stem.3',
         'r4': 'backbone.stem.5', 'r5': 'backbone.stem.6'}


class LayoutError(ValueError):
    """The file is not the authors' hourglass layout (or not one wildpose can hold)."""


@dataclass(frozen=True)
class Hg3dLayout:
    """The sizes of an ``HourglassNet3D``, read from its weights."""
    num_stacks: int       # nStack
    num_modules: int      # nModules: residuals per hourglass position and after each
    channels: int         # nFeats
    num_reg_modules: int  # nRegModules: residuals per depth-regression stage
    depth: int            # hourglass recursion depth (4 in their code)
    num_joints: int


def read_official(path: str) -> tuple[dict[str, torch.Tensor], PickledObject | None]:
    """The authors' weights from a whole-module pickle (legacy or zip layout), or from a
    state dict (bare or under ``'state_dict'``; ``module.`` prefixes dropped).

    Returns:
        (their state dict, the pickled module tree or ``None`` for a state dict).
    """
    obj = read_torch_file(path, AUTHORS_CLASSES + TORCH_CLASSES)
    if isinstance(obj, PickledObject):
        if obj.pickled_class != ROOT_CLASS:
            raise LayoutError(f'{path}: holds a pickled {obj.pickled_class}, expected '
                              f'{ROOT_CLASS}')
        return module_state_dict(obj), obj
    if isinstance(obj, dict):
        state = obj.get('state_dict', obj)
        if isinstance(state, dict) and state and all(isinstance(v, torch.Tensor)
                                                     for v in state.values()):
            return {k[len('module.'):] if k.startswith('module.') else k: v
                    for k, v in state.items()}, None
    raise LayoutError(f"{path}: neither a pickled {ROOT_CLASS} nor a state dict "
                      f"(found {type(obj).__name__})")


def _indices(state: dict, pattern: str) -> set[int]:
    return {int(m.group(1)) for k in state for m in [re.match(pattern, k)] if m}


def infer_layout(state: dict[str, torch.Tensor], source: str = 'the weights') -> Hg3dLayout:
    """Read nStack, nModules, nFeats, nRegModules, the depth and the joints from names
    and shapes.

    Raises:
        LayoutError: the names are not those of ``HourglassNet3D`` (e.g. the master
            branch's ResNet models), naming a few of the keys found.
    """
    needed = ('conv1_.weight', 'r5.conv3.weight', 'tmpOut.0.weight', 'reg.weight')
    if any(k not in state for k in needed):
        sample = ', '.join(sorted(state)[:4])
        raise LayoutError(
            f'{source}: {len(state)} tensors ({sample}, ...) but not the layout of '
            f"{ROOT_CLASS} (missing {', '.join(k for k in needed if k not in state)}). The "
            "hg3d branch's hourglass models convert; the master branch's ResNet models "
            'do not fit wildpose\'s network.')
    stacks = _indices(state, r'hourglass\.(\d+)\.')
    modules = _indices(state, r'hourglass\.0\.up1_\.(\d+)\.')
    reg = _indices(state, r'reg_\.(\d+)\.')
    depth = 1 + max(k.count('low2.') for k in state if k.startswith('hourglass.0.'))
    if not stacks or not modules or len(reg) % 4:
        raise LayoutError(f'{source}: incomplete {ROOT_CLASS} weights (stacks {sorted(stacks)}'
                          f', modules {sorted(modules)}, regression residuals {len(reg)})')
    return Hg3dLayout(num_stacks=len(stacks), num_modules=len(modules),
                      channels=int(state['r5.conv3.weight'].shape[0]),
                      num_reg_modules=len(reg) // 4, depth=depth,
                      num_joints=int(state['tmpOut.0.weight'].shape[0]))


def _residual(rest: str) -> str:
    head, _, tail = rest.partition('.')
    if head not in _RESIDUAL:
        raise KeyError(head)
    return f'{_RESIDUAL[head]}.{tail}'


def _hourglass(rest: str) -> str:
    m = re.match(r'(up1_|low1_|low2_|low3_)\.(\d+)\.(.+)$', rest)
    if m:
        return f'{m.group(1).rstrip("_")}.{m.group(2)}.{_residual(m.group(3))}'
    if rest.startswith('low2.'):
        return 'low2.' + _hourglass(rest[len('low2.'):])
    raise KeyError(rest)


def wildpose_name(key: str, layout: Hg3dLayout) -> str:
    """Their parameter or buffer name -> wildpose's ``Weak3DPoseEstimator`` name.

    Raises:
        KeyError: a name outside the layout.
    """
    head, _, rest = key.partition('.')
    if head in _STEM:
        return f'{_STEM[head]}.{_residual(rest) if head[0] == "r" else rest}'
    m = re.match(r'(\d+)\.(.+)$', rest)
    if head == 'reg':
        return f'head_depth.fc.{rest}'
    if m is None:
        raise KeyError(key)
    i, tail = int(m.group(1)), m.group(2)
    if head == 'hourglass':
        return f'backbone.hourglasses.{i}.{_hourglass(tail)}'
    if head == 'Residual':
        stack, j = divmod(i, layout.num_modules)
        return f'backbone.post.{stack}.0.{j}.{_residual(tail)}'
    if head == 'lin_':  # Sequential(conv, BN, ReLU) -> post[i]'s conv and BN
        layer, _, leaf = tail.partition('.')
        index = {'0': 1, '1': 2}.get(layer)
        if index is None:
            raise KeyError(key)
        return f'backbone.post.{i}.{index}.{leaf}'
    if head == 'reg_':
        stage, j = divmod(i, layout.num_reg_modules)
        return f'head_depth.stages.{2 * stage}.{j}.{_residual(tail)}'
    simple = {'tmpOut': 'head_2d.convs', 'll_': 'backbone.merge_features',
              'tmpOut_': 'backbone.merge_heatmaps'}
    if head in simple:
        return f'{simple[head]}.{i}.{tail}'
    raise KeyError(key)


def convert_state(state: dict[str, torch.Tensor], layout: Hg3dLayout,
                  source: str = 'the weights') -> dict[str, torch.Tensor]:
    """Rename every tensor; add ``num_batches_tracked`` (0) where their BatchNorm lacks it.

    Raises:
        LayoutError: naming a tensor that has no place in wildpose's network.
    """
    out: dict[str, torch.Tensor] = {}
    for key, value in state.items():
        try:
            out[wildpose_name(key, layout)] = value
        except KeyError:
            raise LayoutError(f"{source}: tensor '{key}' has no counterpart in wildpose's "
                              'network') from None
    for key in list(out):
        if key.endswith('.running_mean'):
            out.setdefault(key[:-len('running_mean')] + 'num_batches_tracked',
                           torch.zeros((), dtype=torch.long))
    return out


def model_overrides(layout: Hg3dLayout) -> dict[str, Any]:
    """``--cfg-options`` that give hg_mixed_authors.py's model this layout (the paper's
    layout, 2 stacks x 2 modules x 256 channels x 2 regression modules, needs none)."""
    paper = Hg3dLayout(num_stacks=2, num_modules=2, channels=256, num_reg_modules=2,
                       depth=4, num_joints=16)
    if layout == paper:
        return {}
    c, j = layout.channels, layout.num_joints
    return {'model.backbone.num_stacks': layout.num_stacks, 'model.backbone.channels': c,
            'model.backbone.num_blocks': layout.num_modules,
            'model.backbone.depth': layout.depth, 'model.backbone.feedback_channels': j,
            'model.head_2d.in_channels': c, 'model.head_2d.num_joints': j,
            'model.head_2d.num_stacks': layout.num_stacks,
            'model.head_depth.in_channels': c, 'model.head_depth.num_joints': j,
            'model.head_depth.blocks_per_stage': layout.num_reg_modules}


def check_layers(root: PickledObject, layout: Hg3dLayout, model: nn.Module,
                 source: str = 'the model') -> None:
    """Compare the pickled layers' settings with the wildpose model's: every convolution's
    kernel, stride, padding, dilation and groups and every BatchNorm's eps (through the
    name mapping), and the parameter-free pools (2x2, stride 2) and up-samplings
    (nearest, x2).

    Raises:
        LayoutError: listing the layers that differ.
    """
    own = dict(model.named_modules())
    problems: list[str] = []
    for name, layer in iter_modules(root):
        kind, state = layer.pickled_class.rsplit('.', 1)[-1], layer.state or {}
        if kind in ('Conv2d', 'BatchNorm2d'):
            target = own.get(wildpose_name(f'{name}.weight', layout)[:-len('.weight')])
            keys = (('kernel_size', 'stride', 'padding', 'dilation', 'groups')
                    if kind == 'Conv2d' else ('eps',))
            for key in keys:
                theirs, ours = state.get(key), getattr(target, key, None)
                if key != 'eps':
                    theirs, ours = _norm(theirs), _norm(ours)
                if theirs != ours:
                    problems.append(f'{name}.{key} = {theirs} (wildpose: {ours})')
        elif kind == 'MaxPool2d':
            if (_norm(state.get('kernel_size')), _norm(state.get('stride')),
                    _norm(state.get('padding', 0)), bool(state.get('ceil_mode'))) != \
                    ((2, 2), (2, 2), (0, 0), False):
                problems.append(f'{name}: a max pooling other than 2x2, stride 2')
        elif kind == 'Upsample':
            scale = state.get('scale_factor')
            if state.get('mode', 'nearest') != 'nearest' or _norm(scale) not in ((2, 2),):
                problems.append(f"{name}: up-sampling mode {state.get('mode')!r}, factor "
                                f'{scale!r} (wildpose: nearest, 2)')
    if problems:
        raise LayoutError(f'{source}: layers that wildpose does not compute the same way: '
                          + '; '.join(problems[:5]) + (' ...' if len(problems) > 5 else ''))


def _norm(value: Any) -> Any:
    """Pair-valued settings as int pairs (2 -> (2, 2), 2.0 -> (2, 2)); others unchanged."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = (value, value)
    if isinstance(value, (tuple, list)) and all(isinstance(v, (int, float)) for v in value):
        return tuple(int(v) if float(v).is_integer() else float(v) for v in value)
    return value


def layout_dict(layout: Hg3dLayout) -> dict[str, int]:
    return asdict(layout)
