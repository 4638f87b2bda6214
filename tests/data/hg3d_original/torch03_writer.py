"""Test-only writer of the file layout PyTorch 0.3 (2017, Python 2) gave ``torch.save(model)``.

Current PyTorch can still write the legacy (pre-zip) layout, but its pickle differs from
2017's; this writer reproduces what the authors' ``hgreg-3d.pth`` holds (from PyTorch
0.3's serialization code): module classes as ``('module', class, file, source)``
persistent ids; module state with 0.3's keys (``_backend`` pickled as
``torch.nn.backends.thnn._get_thnn_function_backend()``, no ``num_batches_tracked``);
parameters as ``Parameter(tensor)`` plus the state ``(requires_grad, False, hooks)``;
tensors as ``torch._utils._rebuild_tensor(storage, offset, size, stride)``; storages as
``('storage', torch.FloatStorage, key, 'cuda:0', numel, None)``; Python 2's
``OrderedDict(list of [key, value])`` reduction; and Python 2 byte strings
(``SHORT_BINSTRING``) instead of unicode.
"""
from __future__ import annotations

import copyreg
import inspect
import io
import pickle
import pickletools
import struct
import sys
from collections import OrderedDict

import torch
import torch.nn.backends.thnn as thnn
from torch import nn

MAGIC, PROTOCOL = 0x1950a86a20f9469cfc6c, 1001
_HYPER = {  # the hyper-parameters PyTorch 0.3 kept in each layer's __dict__
    nn.Conv2d: ('in_channels', 'out_channels', 'kernel_size', 'stride', 'padding',
                'dilation', 'transposed', 'output_padding', 'groups'),
    nn.BatchNorm2d: ('num_features', 'affine', 'eps', 'momentum'),
    nn.ReLU: ('inplace',), nn.MaxPool2d: ('kernel_size', 'stride', 'padding', 'dilation',
                                          'return_indices', 'ceil_mode'),
    nn.Upsample: ('size', 'scale_factor', 'mode'), nn.Linear: ('in_features', 'out_features'),
}


class _Backend:
    def __reduce__(self):
        return thnn._get_thnn_function_backend, ()


class _Storage:
    def __init__(self, key: str, tensor: torch.Tensor) -> None:
        self.key, self.tensor = key, tensor.detach().contiguous().float()


def _module_state(module: nn.Module) -> dict:
    state = {'_backend': _Backend(), '_parameters': OrderedDict(module._parameters),
             '_buffers': OrderedDict((k, v) for k, v in module._buffers.items()
                                     if k != 'num_batches_tracked'),
             '_backward_hooks': OrderedDict(), '_forward_hooks': OrderedDict(),
             '_forward_pre_hooks': OrderedDict(), '_modules': OrderedDict(module._modules),
             'training': module.training}
    keys = _HYPER.get(type(module))
    if keys is None:  # the authors' own classes: their plain attributes
        keys = [k for k, v in vars(module).items() if isinstance(v, (int, float, bool))
                and not k.startswith('_') and k != 'training']
    if type(module) is nn.ReLU:  # 0.3's ReLU was a Threshold(0, 0)
        state.update(threshold=0, value=0)
    for key in keys:
        value = getattr(module, key)
        state[key] = float(value) if key == 'scale_factor' and value else value
    return state


class _Pickler(pickle.Pickler):
    def __init__(self, file, storages: dict) -> None:
        super().__init__(file, protocol=2)
        self._storages, self._classes = storages, set()

    def persistent_id(self, obj):
        if isinstance(obj, type) and issubclass(obj, nn.Module):
            if obj in self._classes:
                return None
            self._classes.add(obj)
            return 'module', obj, inspect.getsourcefile(obj), inspect.getsource(obj)
        if isinstance(obj, _Storage):
            self._storages[obj.key] = obj
            return 'storage', torch.FloatStorage, obj.key, 'cuda:0', obj.tensor.numel(), None
        return None

    def reducer_override(self, obj):
        if isinstance(obj, nn.Parameter):
            return nn.Parameter, (obj.data,), (obj.requires_grad, False, OrderedDict())
        if isinstance(obj, torch.Tensor):
            storage = _Storage(str(1000 + len(self._storages)), obj)
            self._storages[storage.key] = storage
            return torch._utils._rebuild_tensor, (storage, 0, tuple(obj.shape),
                                                  storage.tensor.stride())
        if isinstance(obj, nn.Module):
            return copyreg.__newobj__, (type(obj),), _module_state(obj)
        if type(obj) is OrderedDict:  # Python 2's OrderedDict.__reduce__: [[key, value]]
            return OrderedDict, ([[k, v] for k, v in obj.items()],)
        return NotImplemented


def python2_strings(data: bytes) -> bytes:
    """Rewrite every unicode string opcode of a pickle as a Python 2 byte string."""
    out, last = io.BytesIO(), 0
    for op, arg, pos in pickletools.genops(data):
        if op.name in ('BINUNICODE', 'SHORT_BINUNICODE'):
            raw = arg.encode('latin1')
            out.write(data[last:pos])
            out.write(b'U' + bytes([len(raw)]) + raw if len(raw) < 256
                      else b'T' + struct.pack('<i', len(raw)) + raw)
            last = pos + (5 if op.name == 'BINUNICODE' else 2) + len(arg.encode('utf-8'))
    out.write(data[last:])
    return out.getvalue()


def save_like_torch_0_3(model: nn.Module, path: str) -> None:
    """Write ``model`` as PyTorch 0.3 under Python 2 wrote ``torch.save(model)``."""
    storages: dict[str, _Storage] = {}
    body = io.BytesIO()
    _Pickler(body, storages).dump(model)
    with open(path, 'wb') as f:
        for header in (MAGIC, PROTOCOL, dict(protocol_version=PROTOCOL, little_endian=True,
                                             type_sizes=dict(short=2, int=4, long=8))):
            f.write(python2_strings(pickle.dumps(header, protocol=2)))
        f.write(python2_strings(body.getvalue()))
        keys = sorted(storages)
        f.write(python2_strings(pickle.dumps(keys, protocol=2)))
        for key in keys:
            tensor = storages[key].tensor
            f.write(struct.pack('<q', tensor.numel()))
            f.write(tensor.numpy().tobytes())
    assert sys.byteorder == 'little'
