"""wildpose.utils.torch_file: torch.save files read without executing anything."""
from __future__ import annotations

import builtins
import os
import pickle
import shutil
import struct
import tarfile

import pytest
import torch
from torch import nn

from wildpose.utils.torch_file import (PickledObject, TorchFileError, UnsafeFileError,
                                       module_state_dict, read_torch_file)

FORMATS = {'legacy': False, 'zip': True}


def _save(obj, path, fmt: str) -> str:
    torch.save(obj, path, _use_new_zipfile_serialization=FORMATS[fmt])
    return str(path)


@pytest.mark.parametrize('fmt', FORMATS)
def test_tensors_come_back_with_values_dtypes_and_views(tmp_path, fmt):
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    obj = {'w': base, 't': base.t(), 'row': base[2, 1:5],  # views of one storage
           'half': torch.randn(3).half(), 'long': torch.tensor([1, -2], dtype=torch.long),
           'mask': torch.tensor([True, False]), 'scalar': torch.tensor(3.5),
           'meta': {'epoch': 7, 'names': ['a', 'b'], 'pair': (1, 2.5)}}
    loaded = read_torch_file(_save(obj, tmp_path / 'x.pth', fmt))
    for key in ('w', 't', 'row', 'half', 'long', 'mask', 'scalar'):
        assert loaded[key].dtype == obj[key].dtype and torch.equal(loaded[key], obj[key])
    assert loaded['meta'] == obj['meta']


@pytest.mark.parametrize('fmt', FORMATS)
def test_pickled_modules_only_as_accepted_stand_ins(tmp_path, fmt):
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU())
    model[1].running_mean.uniform_()
    path = _save(model, tmp_path / 'm.pth', fmt)
    with pytest.raises(UnsafeFileError, match=r"'torch\.nn\.modules\.container\.Sequential'"):
        read_torch_file(path)
    tree = read_torch_file(path, ['torch.nn.modules.container.Sequential',
                                  'torch.nn.modules.conv.Conv2d',
                                  'torch.nn.modules.batchnorm.BatchNorm2d',
                                  'torch.nn.modules.activation.ReLU'])
    assert isinstance(tree, PickledObject) and not isinstance(tree, nn.Module)
    assert tree.pickled_class == 'torch.nn.modules.container.Sequential'
    state = module_state_dict(tree)
    assert state.keys() == model.state_dict().keys()
    assert all(torch.equal(state[k], v) for k, v in model.state_dict().items())


class _Payload:
    """Pickles as a call of ``open(path, 'w')``: loading it for real creates the file."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return builtins.open, (self.path, 'w')


@pytest.mark.parametrize('fmt', FORMATS)
def test_a_file_with_any_other_global_is_refused_and_runs_nothing(tmp_path, fmt):
    marker = tmp_path / 'created_by_the_payload'
    obj = {'state_dict': {'w': torch.zeros(2)}, 'extra': [1, _Payload(str(marker))]}
    path = _save(obj, tmp_path / 'evil.pth', fmt)
    with pytest.raises(UnsafeFileError) as info:
        read_torch_file(path)
    message = str(info.value)
    assert '\n' not in message and 'evil.pth' in message and 'open' in message
    assert 'nothing from the file was run' in message
    assert not marker.exists()
    # the payload is live: an unrestricted load does create the file
    shutil.copy(path, tmp_path / 'copy.pth')
    torch.load(tmp_path / 'copy.pth', weights_only=False)
    assert marker.exists()


def test_truncated_foreign_and_tar_files_are_named(tmp_path):
    path = _save({'w': torch.ones(1000)}, tmp_path / 'full.pth', 'legacy')
    data = open(path, 'rb').read()
    cut = tmp_path / 'cut.pth'
    cut.write_bytes(data[:-100])
    with pytest.raises(TorchFileError, match=r'cut\.pth: storage .*truncated'):
        read_torch_file(str(cut))
    junk = tmp_path / 'junk.pth'
    junk.write_bytes(pickle.dumps(12345) + b'rest')
    with pytest.raises(TorchFileError, match=r'junk\.pth: not a torch\.save file'):
        read_torch_file(str(junk))
    old = tmp_path / 'old.pth'
    with tarfile.open(old, 'w') as tar:
        tar.add(path, arcname='pickle')
    with pytest.raises(TorchFileError, match='tar layout'):
        read_torch_file(str(old))


def test_a_storage_count_that_lies_is_refused(tmp_path):
    path = _save({'w': torch.ones(4)}, tmp_path / 'x.pth', 'legacy')
    data = bytearray(open(path, 'rb').read())
    at = bytes(data).rfind(struct.pack('<q', 4))
    data[at:at + 8] = struct.pack('<q', 5)
    bad = tmp_path / 'lie.pth'
    bad.write_bytes(bytes(data))
    with pytest.raises(TorchFileError, match='wrong size'):
        read_torch_file(str(bad))
    assert os.path.getsize(bad) == os.path.getsize(path)
