"""Reading checkpoints and loading them into a model: one path, one policy.

Everything that loads weights (``tools/train.py`` through ``load_from`` and ``--resume``,
``tools/test.py``, :func:`wildpose.apis.init_model`) goes through :func:`read_checkpoint`
and :func:`load_into`:

* files are read with ``torch.load(weights_only=True)`` (mmengine's own types
  allowlisted); a file holding any other pickled object is refused, never run;
* a checkpoint must fit the model: every model weight present, with its shape, unless
  its name starts with one of the prefixes the config allows to differ
  (``load_from_may_differ``, for fine-tuning a new head), which keep their initial
  values. Extra weights in the file are ignored;
* every failure is a :class:`CheckpointError`, one line that names the file.
"""
from __future__ import annotations

import os.path as osp
import re
import warnings
from typing import Any, Sequence

import torch
from torch import nn

from ..utils.setup_env import allow_mmengine_checkpoints

#: how many mismatches a message lists
SHOWN = 5


class CheckpointError(ValueError):
    """A checkpoint that cannot be read or does not fit the model; names the file."""


def _why_unreadable(err: BaseException) -> str:
    """torch's reason, in one line, without its advice to turn weights_only off."""
    text = str(err)
    found = re.search(r'GLOBAL ([\w.]+)', text)
    if found:
        return (f'it holds a pickled object ({found.group(1)}) outside the weights-only '
                'allowlist; wildpose refuses such files and ran nothing from it')
    if 'weights_only' in text or 'Weights only' in text:
        detail = re.search(r'WeightsUnpickler error:\s*(.+)', text)
        return ('it is not a weights-only PyTorch checkpoint'
                + (f' ({detail.group(1).strip()})' if detail else '')
                + '; wildpose refuses such files and ran nothing from it')
    first = text.strip().splitlines()[0][:200] if text.strip() else type(err).__name__
    return f'the file is truncated or corrupt ({type(err).__name__}: {first})'


def read_checkpoint(path: str, map_location: Any = 'cpu') -> dict:
    """The whole checkpoint as a dict with a ``'state_dict'`` of tensors (a bare state
    dict is wrapped; a ``module.`` prefix from a wrapped model is removed)."""
    if not osp.isfile(path):
        raise CheckpointError(f'checkpoint not found: {path}')
    allow_mmengine_checkpoints()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')  # torch's notes on pickle protocols
            ckpt = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:
        raise CheckpointError(f'{path}: cannot be read as a checkpoint: '
                              f'{_why_unreadable(err)}') from None
    if isinstance(ckpt, dict) and 'state_dict' not in ckpt and ckpt and all(
            isinstance(v, torch.Tensor) for v in ckpt.values()):
        ckpt = {'state_dict': ckpt}
    state = ckpt.get('state_dict') if isinstance(ckpt, dict) else None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor)
                                              for v in state.values()):
        raise CheckpointError(f"{path}: field 'state_dict' is missing or not a mapping "
                              'of tensors')
    ckpt['state_dict'] = {k[len('module.'):] if k.startswith('module.') else k: v
                          for k, v in state.items()}
    return ckpt


def load_state_dict(path: str) -> dict[str, torch.Tensor]:
    """The model weights of a checkpoint (see :func:`read_checkpoint`)."""
    return read_checkpoint(path)['state_dict']


def _allowed(name: str, may_differ: Sequence[str]) -> bool:
    return any(name.startswith(prefix) for prefix in may_differ)


def check_fit(path: str, state: dict[str, torch.Tensor], model: nn.Module,
              may_differ: Sequence[str] = ()) -> list[str]:
    """The model weights that keep their initial values (missing from ``state`` or of
    another shape, under a prefix of ``may_differ``); raises :class:`CheckpointError`
    for any other missing or mis-shaped weight, naming the file and the mismatches."""
    own = model.state_dict()
    missing = [k for k in own if k not in state]
    wrong = [k for k, v in own.items() if k in state and state[k].shape != v.shape]
    refused_missing = [k for k in missing if not _allowed(k, may_differ)]
    refused_wrong = [k for k in wrong if not _allowed(k, may_differ)]
    if refused_missing or refused_wrong:
        parts = []
        if refused_wrong:
            shown = ', '.join(f'{k} {tuple(state[k].shape)} vs {tuple(own[k].shape)}'
                              for k in refused_wrong[:SHOWN])
            more = f' and {len(refused_wrong) - SHOWN} more' if len(refused_wrong) > SHOWN else ''
            parts.append(f'{len(refused_wrong)} weights of another shape (checkpoint vs '
                         f'model: {shown}{more})')
        if refused_missing:
            more = (f' and {len(refused_missing) - SHOWN} more'
                    if len(refused_missing) > SHOWN else '')
            parts.append(f'{len(refused_missing)} model weights missing '
                         f'({", ".join(refused_missing[:SHOWN])}{more})')
        raise CheckpointError(
            f'{path} does not fit this model: ' + '; '.join(parts) + '. Was it trained with '
            'another config? To fine-tune with a new layer, list the prefixes that may differ '
            "in the config, e.g. load_from_may_differ = ['head_depth.'].")
    return missing + wrong


def load_into(model: nn.Module, path: str, state: dict[str, torch.Tensor],
              may_differ: Sequence[str] = ()) -> list[str]:
    """Check ``state`` (read from ``path``) against ``model`` and load it; returns the
    weights that kept their initial values (only under ``may_differ``)."""
    kept = check_fit(path, state, model, may_differ)
    skip = set(kept)
    model.load_state_dict({k: v for k, v in state.items() if k not in skip}, strict=False)
    return kept


def check_checkpoint(path: str, model: nn.Module, may_differ: Sequence[str] = ()) -> None:
    """Raise :class:`CheckpointError` unless the checkpoint at ``path`` fits ``model``."""
    check_fit(path, load_state_dict(path), model, may_differ)
