"""Read a ``torch.save`` file without running anything from it.

``torch.load(weights_only=False)`` runs whatever the pickle says; ``weights_only=True``
refuses whole pickled modules, which is how some published models were saved (e.g. the
authors' ``hgreg-3d.pth``, ``torch.save(model)`` in 2017). :func:`read_torch_file` reads
both layouts ``torch.save`` has written since 2017:

* legacy (before torch 1.6, or ``_use_new_zipfile_serialization=False``): five pickles
  in a row (magic number, protocol version, system info, the object with persistent ids
  for its storages, the sorted storage keys), then each storage as an int64 element
  count and its raw little-endian bytes;
* zip: ``<name>/data.pkl`` (the object) and ``<name>/data/<key>`` (raw storage bytes).

The unpickler resolves only the globals of :data:`SAFE_GLOBALS` (containers, torch's
tensor-rebuild functions, storage types) plus the module classes the caller accepts.
Those classes become inert :class:`PickledObject` stand-ins that record the pickled
state; tensors come back as plain ``torch.Tensor`` built from the file's bytes. Any other
global refuses the file before anything is built (:class:`UnsafeFileError`).
"""
from __future__ import annotations

import collections
import io
import pickle
import struct
import zipfile
from typing import Any, Callable, Iterable

import numpy as np
import torch

LEGACY_MAGIC = 0x1950a86a20f9469cfc6c
LEGACY_PROTOCOL = 1001
_STORAGE_DTYPES = {
    'FloatStorage': torch.float32, 'DoubleStorage': torch.float64,
    'HalfStorage': torch.float16, 'BFloat16Storage': torch.bfloat16,
    'LongStorage': torch.int64, 'IntStorage': torch.int32, 'ShortStorage': torch.int16,
    'CharStorage': torch.int8, 'ByteStorage': torch.uint8, 'BoolStorage': torch.bool,
}


class UnsafeFileError(ValueError):
    """The file references something that is not on the allowlist; nothing was run."""


class TorchFileError(ValueError):
    """The file is not a well-formed ``torch.save`` file of a supported layout."""


class PickledObject:
    """An inert stand-in for a pickled instance of an accepted class.

    Attributes:
        state: what the pickle gave to ``__setstate__`` (for an ``nn.Module``, its
            ``__dict__``: ``_parameters``, ``_buffers``, ``_modules``, hyper-parameters).
    """
    pickled_class = ''  # '<module>.<name>' of the class it stands in for

    def __init__(self) -> None:
        self.state: Any = None

    def __setstate__(self, state: Any) -> None:
        self.state = state

    def __repr__(self) -> str:
        return f'<PickledObject {self.pickled_class}>'


_STANDINS: dict[str, type] = {}


def standin_class(qualified_name: str) -> type:
    """The (cached) :class:`PickledObject` subclass standing in for ``qualified_name``."""
    if qualified_name not in _STANDINS:
        _STANDINS[qualified_name] = type(qualified_name.rsplit('.', 1)[-1], (PickledObject,),
                                         {'pickled_class': qualified_name})
    return _STANDINS[qualified_name]


class _StorageType:
    def __init__(self, name: str) -> None:
        self.name, self.dtype = name, _STORAGE_DTYPES[name]


class _Storage:
    """A storage named in the pickle; its bytes are filled in afterwards."""

    def __init__(self, dtype: torch.dtype, numel: int, key: str) -> None:
        self.dtype, self.numel, self.key = dtype, numel, key
        self.data: torch.Tensor | None = None  # flat (numel,) once read
        self.view: tuple[int, int] | None = None  # (offset, numel) into another storage
        self.base: _Storage | None = None

    def flat(self) -> torch.Tensor:
        if self.base is not None:
            offset, numel = self.view  # type: ignore[misc]
            return self.base.flat()[offset:offset + numel]
        if self.data is None:
            raise TorchFileError(f'storage {self.key} was never written to the file')
        return self.data


class _TensorRef:
    """A tensor to build from a storage once its bytes are known (no ``__setstate__``
    of a real tensor ever sees pickled data)."""

    def __init__(self, storage: Any, offset: Any, size: Any, stride: Any) -> None:
        if not isinstance(storage, _Storage):
            raise TorchFileError('a tensor refers to something that is not a storage')
        for name, value in (('size', size), ('stride', stride)):
            if not isinstance(value, (tuple, list)) or not all(
                    isinstance(v, int) and v >= 0 for v in value):
                raise TorchFileError(f'tensor {name} {value!r} is not a tuple of ints')
        if not isinstance(offset, int) or offset < 0 or len(size) != len(stride):
            raise TorchFileError('tensor offset or size/stride lengths are malformed')
        extent = offset + sum((n - 1) * s for n, s in zip(size, stride)) + 1
        if all(n > 0 for n in size) and extent > storage.numel:
            raise TorchFileError(f'a tensor of size {tuple(size)} reaches past its storage '
                                 f'of {storage.numel} elements')
        self.storage, self.offset = storage, offset
        self.size, self.stride = tuple(size), tuple(stride)

    def __setstate__(self, state: Any) -> None:
        raise pickle.UnpicklingError('refusing state on a tensor')

    def build(self) -> torch.Tensor:
        flat = self.storage.flat()
        return flat.as_strided(self.size, self.stride, self.offset).clone()


class _ParameterRef:
    """``nn.Parameter`` in either pickled form; becomes its tensor."""

    def __init__(self, data: Any, *_ignored: Any) -> None:
        if not isinstance(data, _TensorRef):
            raise TorchFileError('a parameter holds something that is not a tensor')
        self.data = data

    def __setstate__(self, state: Any) -> None:  # torch 0.3: (requires_grad, volatile, hooks)
        pass


def _rebuild_tensor(storage, offset, size, stride, *_ignored) -> _TensorRef:
    return _TensorRef(storage, offset, size, stride)


def _rebuild_parameter(data, *_ignored) -> _ParameterRef:
    return _ParameterRef(data)


def _inert(*_args: Any) -> None:
    """For objects with no content worth keeping (torch 0.3's ``_backend`` of modules)."""
    return None


#: (module, name) -> what the unpickler returns for it. Nothing here runs file content.
SAFE_GLOBALS: dict[tuple[str, str], Any] = {
    ('collections', 'OrderedDict'): collections.OrderedDict,
    ('builtins', 'set'): set, ('__builtin__', 'set'): set,
    ('builtins', 'frozenset'): frozenset, ('__builtin__', 'frozenset'): frozenset,
    ('torch', 'Size'): tuple,
    ('torch._utils', '_rebuild_tensor'): _rebuild_tensor,
    ('torch._utils', '_rebuild_tensor_v2'): _rebuild_tensor,
    ('torch._utils', '_rebuild_parameter'): _rebuild_parameter,
    ('torch._utils', '_rebuild_parameter_with_state'): _rebuild_parameter,
    ('torch.nn.parameter', 'Parameter'): _ParameterRef,
    ('torch.nn.backends.thnn', '_get_thnn_function_backend'): _inert,
    **{('torch', name): _StorageType(name) for name in _STORAGE_DTYPES},
}


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, file: Any, source: str, accept: Callable[[str, str], bool],
                 persistent: Callable[[tuple], Any] | None = None) -> None:
        super().__init__(file, encoding='latin1')  # Python 2 pickles (torch 0.x)
        self._source, self._accept, self._persistent = source, accept, persistent

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in SAFE_GLOBALS:
            return SAFE_GLOBALS[(module, name)]
        if self._accept(module, name):
            return standin_class(f'{module}.{name}')
        raise UnsafeFileError(
            f"{self._source}: refusing to load: it references the global '{module}.{name}', "
            'which is not one of the known module classes, containers or tensor storages; '
            'nothing from the file was run')

    def persistent_load(self, pid: Any) -> Any:
        if self._persistent is None:
            raise TorchFileError(f'{self._source}: unexpected persistent id {pid!r}')
        return self._persistent(pid)


def _loads(data: bytes | io.BufferedIOBase, source: str, accept: Callable[[str, str], bool],
           persistent: Callable[[tuple], Any] | None = None) -> Any:
    file = io.BytesIO(data) if isinstance(data, bytes) else data
    return _RestrictedUnpickler(file, source, accept, persistent).load()


def _storage_from_pid(pid: Any, storages: dict[str, _Storage], source: str) -> _Storage:
    """('storage', type, key, location, numel[, view_metadata]) -> a :class:`_Storage`."""
    if not isinstance(pid, tuple) or len(pid) not in (5, 6) or pid[0] != 'storage' \
            or not isinstance(pid[1], _StorageType) or not isinstance(pid[2], str) \
            or not isinstance(pid[4], int) or pid[4] < 0:
        raise TorchFileError(f'{source}: malformed storage reference {pid!r:.200}')
    dtype, key, numel = pid[1].dtype, pid[2], pid[4]
    root = storages.get(key)
    if root is None:
        root = storages[key] = _Storage(dtype, numel, key)
    if root.dtype != dtype or root.numel != numel:
        raise TorchFileError(f'{source}: storage {key} is declared twice differently')
    view = pid[5] if len(pid) == 6 else None
    if view is None:
        return root
    if not (isinstance(view, tuple) and len(view) == 3 and isinstance(view[0], str)
            and all(isinstance(v, int) and v >= 0 for v in view[1:])
            and view[1] + view[2] <= numel):
        raise TorchFileError(f'{source}: malformed storage view {view!r:.200}')
    part = _Storage(dtype, view[2], view[0])
    part.base, part.view = root, (view[1], view[2])
    return part


def _read_legacy(f: io.BufferedIOBase, source: str,
                 accept: Callable[[str, str], bool]) -> Any:
    def header(what: str) -> Any:
        try:
            return _loads(f, source, lambda m, n: False)
        except (pickle.UnpicklingError, EOFError) as err:
            raise TorchFileError(f'{source}: not a torch.save file ({what}: {err})') from err

    if header('magic number') != LEGACY_MAGIC:
        raise TorchFileError(f'{source}: not a torch.save file (wrong magic number)')
    if header('protocol version') != LEGACY_PROTOCOL:
        raise TorchFileError(f'{source}: unsupported legacy protocol version')
    sys_info = header('system info')
    if not isinstance(sys_info, dict) or not sys_info.get('little_endian', False):
        raise TorchFileError(f'{source}: written on a big-endian machine; not supported')
    storages: dict[str, _Storage] = {}
    obj = _loads(f, source, accept, lambda pid: _persistent_legacy(pid, storages, source))
    keys = header('storage keys')
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise TorchFileError(f'{source}: malformed storage key list')
    for key in keys:
        storage = storages.get(key)
        if storage is None or storage.base is not None:
            raise TorchFileError(f'{source}: storage {key} is listed but never referenced')
        count = f.read(8)
        if len(count) != 8 or struct.unpack('<q', count)[0] != storage.numel:
            raise TorchFileError(f'{source}: storage {key} has the wrong size (truncated?)')
        storage.data = _tensor_from_bytes(f.read(storage.numel * _itemsize(storage.dtype)),
                                          storage, source)
    return obj


def _persistent_legacy(pid: Any, storages: dict[str, _Storage], source: str) -> Any:
    if isinstance(pid, tuple) and pid and pid[0] == 'module':
        # ('module', class, source file, source code): the class is already a stand-in
        cls = pid[1] if len(pid) > 1 else None
        if not (isinstance(cls, type) and issubclass(cls, PickledObject)):
            raise TorchFileError(f'{source}: malformed module reference {pid!r:.200}')
        return cls
    return _storage_from_pid(pid, storages, source)


def _read_zip(path: str, source: str, accept: Callable[[str, str], bool]) -> Any:
    with zipfile.ZipFile(path) as archive:
        pickles = [n for n in archive.namelist() if n.endswith('/data.pkl')
                   and n.count('/') == 1]
        if len(pickles) != 1:
            raise TorchFileError(f'{source}: a zip file without exactly one <name>/data.pkl')
        prefix = pickles[0][:-len('data.pkl')]
        if prefix + 'byteorder' in archive.namelist() and \
                archive.read(prefix + 'byteorder').strip() != b'little':
            raise TorchFileError(f'{source}: written on a big-endian machine; not supported')
        storages: dict[str, _Storage] = {}

        def persistent(pid: Any) -> _Storage:
            storage = _storage_from_pid(pid, storages, source)
            if storage.base is None and storage.data is None:
                name = f'{prefix}data/{storage.key}'
                try:
                    raw = archive.read(name)
                except KeyError:
                    raise TorchFileError(f'{source}: storage {name} is missing') from None
                storage.data = _tensor_from_bytes(raw, storage, source)
            return storage

        return _loads(archive.read(pickles[0]), source, accept, persistent)


def _itemsize(dtype: torch.dtype) -> int:
    return torch.empty((), dtype=dtype).element_size()


def _tensor_from_bytes(raw: bytes, storage: _Storage, source: str) -> torch.Tensor:
    if len(raw) != storage.numel * _itemsize(storage.dtype):
        raise TorchFileError(f'{source}: storage {storage.key} holds {len(raw)} bytes, '
                             f'expected {storage.numel} x {storage.dtype} (truncated?)')
    array = np.frombuffer(raw, dtype=np.uint8).copy()
    return torch.from_numpy(array).view(storage.dtype)


def _materialise(obj: Any, seen: dict[int, Any]) -> Any:
    """Replace tensor references by tensors, everywhere in the loaded object."""
    if id(obj) in seen:
        return seen[id(obj)]
    if isinstance(obj, _TensorRef):
        out: Any = obj.build()
    elif isinstance(obj, _ParameterRef):
        if not isinstance(getattr(obj, 'data', None), _TensorRef):  # made by NEWOBJ
            raise TorchFileError('a parameter without its tensor')
        out = obj.data.build()
    elif isinstance(obj, PickledObject):
        seen[id(obj)] = obj
        obj.state = _materialise(obj.state, seen)
        return obj
    elif isinstance(obj, dict):
        out = type(obj)() if isinstance(obj, collections.OrderedDict) else {}
        seen[id(obj)] = out
        for key, value in obj.items():
            out[key] = _materialise(value, seen)
        return out
    elif isinstance(obj, (list, tuple)):
        out = type(obj)(_materialise(v, seen) for v in obj)
    else:
        out = obj
    seen[id(obj)] = out
    return out


def read_torch_file(path: str, accept_classes: Iterable[str] = ()) -> Any:
    """Load ``path`` (legacy or zip ``torch.save`` layout) without executing its content.

    Args:
        path: the file.
        accept_classes: qualified names (``'models.hg_3d.HourglassNet3D'``) of classes
            whose pickled instances may appear; each becomes a :class:`PickledObject`
            stand-in of that name with the pickled ``state``. Nothing else outside
            :data:`SAFE_GLOBALS` is accepted.

    Returns:
        The saved object, with every tensor (and parameter) as a plain ``torch.Tensor``.

    Raises:
        UnsafeFileError: the file names any other global (one line, nothing was run).
        TorchFileError: the file is truncated or not in a supported layout.
    """
    accepted = set(accept_classes)

    def accept(module: str, name: str) -> bool:
        return f'{module}.{name}' in accepted

    if zipfile.is_zipfile(path):
        obj = _read_zip(path, path, accept)
    else:
        with open(path, 'rb') as f:
            start = f.read(512)
            if len(start) >= 262 and start[257:262] == b'ustar':
                raise TorchFileError(f'{path}: the tar layout of torch <= 0.1.9 is not '
                                     'supported; load and re-save it with an old torch')
            f.seek(0)
            obj = _read_legacy(f, path, accept)
    return _materialise(obj, {})


def module_state_dict(obj: Any, prefix: str = '') -> dict[str, torch.Tensor]:
    """The ``state_dict`` of a pickled module tree of :class:`PickledObject` stand-ins:
    parameters and buffers (``None`` entries skipped), keys joined with dots."""
    if not isinstance(obj, PickledObject) or not isinstance(obj.state, dict):
        raise TorchFileError(f'{prefix or "the saved object"} is not a pickled module')
    out: dict[str, torch.Tensor] = {}
    for group in ('_parameters', '_buffers'):
        for name, value in (obj.state.get(group) or {}).items():
            if value is not None:
                if not isinstance(value, torch.Tensor):
                    raise TorchFileError(f'{prefix}{name} is not a tensor')
                out[prefix + name] = value
    for name, child in (obj.state.get('_modules') or {}).items():
        if child is not None:
            out.update(module_state_dict(child, f'{prefix}{name}.'))
    return out


def iter_modules(obj: PickledObject, prefix: str = ''):
    """Yield ``(dotted name, stand-in)`` for ``obj`` and every sub-module (depth first)."""
    yield prefix.rstrip('.'), obj
    for name, child in ((obj.state or {}).get('_modules') or {}).items():
        if isinstance(child, PickledObject):
            yield from iter_modules(child, f'{prefix}{name}.')
