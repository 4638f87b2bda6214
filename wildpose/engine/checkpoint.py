"""Checks that a checkpoint file fits a model, with errors that name the file."""
from __future__ import annotations

import os.path as osp

import torch
from torch import nn

from ..utils.setup_env import allow_mmengine_checkpoints


class CheckpointError(ValueError):
    """A checkpoint that cannot be loaded into the model; the message names the file."""


def load_state_dict(path: str) -> dict[str, torch.Tensor]:
    """Read the model weights of a checkpoint with ``torch.load(weights_only=True)``.

    Accepts mmengine checkpoints (``{'state_dict': ..., 'meta': ...}``) and bare state
    dicts. Objects outside the weights-only allowlist are refused, never unpickled.
    """
    if not osp.isfile(path):
        raise CheckpointError(f'checkpoint not found: {path}')
    allow_mmengine_checkpoints()
    try:
        ckpt = torch.load(path, map_location='cpu', weights_only=True)
    except Exception as err:
        raise CheckpointError(f'{path}: cannot be read as a weights-only PyTorch '
                              f'checkpoint ({type(err).__name__}: {str(err)[:300]})') from err
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor)
                                              for v in state.values()):
        raise CheckpointError(f"{path}: field 'state_dict' is missing or not a mapping "
                              'of tensors')
    return {k[len('module.'):] if k.startswith('module.') else k: v for k, v in state.items()}


def check_checkpoint(path: str, model: nn.Module) -> None:
    """Raise :class:`CheckpointError` unless every model weight is in the checkpoint with
    the right shape (extra keys in the checkpoint are allowed)."""
    state = load_state_dict(path)
    own = model.state_dict()
    missing = [k for k in own if k not in state]
    wrong = [f'{k}: checkpoint {tuple(state[k].shape)} vs model {tuple(v.shape)}'
             for k, v in own.items() if k in state and state[k].shape != v.shape]
    if missing or wrong:
        lines = []
        if missing:
            lines.append(f"{len(missing)} model weights missing (e.g. '{missing[0]}')")
        if wrong:
            lines.append(f'{len(wrong)} shape mismatches (e.g. {wrong[0]})')
        raise CheckpointError(f'{path} does not fit this model: ' + '; '.join(lines) +
                              '. Was it trained with another config?')
