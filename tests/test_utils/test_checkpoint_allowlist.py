"""Weights-only loading of mmengine checkpoints: what is allowed, and what stays refused."""
from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch
from mmengine.logging.history_buffer import HistoryBuffer

from wildpose.utils import allow_mmengine_checkpoints


def test_message_hub_state_round_trips(tmp_path):
    from collections import Counter

    buf = HistoryBuffer()
    buf.update(1.5)
    path = tmp_path / 'ckpt.pth'
    torch.save({'message_hub': {'loss': buf, 'arr': np.arange(3), 'n': np.float64(2.0)},
                'milestones': Counter({10: 1})}, path)
    allow_mmengine_checkpoints()
    ckpt = torch.load(path, weights_only=True)
    assert ckpt['message_hub']['loss'].current() == 1.5
    assert ckpt['milestones'] == Counter({10: 1})


class _Evil:
    def __init__(self, owner: type, name: str) -> None:
        self.owner, self.name = owner, name

    def __reduce__(self):
        return (getattr, (self.owner, self.name))


def test_arbitrary_attribute_lookups_stay_refused(tmp_path):
    allow_mmengine_checkpoints()
    for owner, name in ((np.ndarray, 'tofile'), (HistoryBuffer, '__init__')):
        path = tmp_path / 'evil.pth'
        torch.save({'x': _Evil(owner, name)}, path)
        with pytest.raises(pickle.UnpicklingError, match=name):
            torch.load(path, weights_only=True)
