"""Process-wide set-up used by the command-line tools and the APIs."""
from __future__ import annotations

import importlib

_MODULES = ('wildpose.models', 'wildpose.datasets', 'wildpose.datasets.transforms',
            'wildpose.datasets.samplers', 'wildpose.evaluation.metrics', 'wildpose.engine',
            'wildpose.engine.hooks', 'wildpose.visualization')


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import every module that registers classes and make 'wildpose' the default scope.

    The registries also import their ``locations`` on demand, so this is a convenience
    for code that looks classes up by name before building anything.
    """
    for name in _MODULES:
        importlib.import_module(name)
    if init_default_scope:
        from mmengine.registry import DefaultScope
        if DefaultScope.get_current_instance() is None or \
                DefaultScope.get_current_instance().scope_name != 'wildpose':
            DefaultScope.get_instance(f'wildpose-{id(object())}', scope_name='wildpose')


def _history_buffer_method(owner: type, name: str):
    """Stand-in for ``getattr`` while unpickling checkpoints: only resolves the statistics
    methods that mmengine's ``HistoryBuffer`` pickles by name (``HistoryBuffer.mean``
    etc.); any other attribute look-up in a checkpoint is refused."""
    from mmengine.logging.history_buffer import HistoryBuffer

    known = {'min', 'max', 'current', 'mean', *HistoryBuffer._statistics_methods}
    if owner is HistoryBuffer and name in known:
        return getattr(HistoryBuffer, name)
    import pickle
    raise pickle.UnpicklingError(f'refusing attribute {name!r} of {owner!r} in a checkpoint')


def allow_mmengine_checkpoints() -> None:
    """Let ``torch.load(weights_only=True)`` read the checkpoints mmengine writes.

    Since torch 2.6 ``torch.load`` defaults to ``weights_only=True``, which refuses any
    class not on an allowlist. mmengine's checkpoints hold its ``HistoryBuffer`` (message
    hub; it also pickles its statistics methods through ``getattr``), numpy
    scalars/arrays and a ``Counter`` (MultiStepLR's milestones), so resuming fails. We add just
    those types to the allowlist; ``weights_only`` stays on, so a checkpoint from
    elsewhere that carries arbitrary pickled objects is still refused.
    """
    import numpy as np
    import torch
    from mmengine.logging.history_buffer import HistoryBuffer

    add = getattr(torch.serialization, 'add_safe_globals', None)
    if add is None:  # torch < 2.4 loads these without an allowlist
        return
    dtype_classes = [type(np.dtype(t)) for t in
                     ('float64', 'float32', 'float16', 'int64', 'int32', 'int16', 'int8',
                      'uint8', 'bool')]
    reconstruct = getattr(getattr(np, '_core', np.core).multiarray, '_reconstruct')
    scalar = getattr(getattr(np, '_core', np.core).multiarray, 'scalar')
    from collections import Counter  # MultiStepLR keeps its milestones in a Counter

    add([HistoryBuffer, np.ndarray, np.dtype, reconstruct, scalar, Counter, *dtype_classes,
         # HistoryBuffer pickles its statistics methods as getattr(HistoryBuffer, name):
         # map that one global to a look-up that resolves nothing else
         (_history_buffer_method, '__builtin__.getattr'),
         (_history_buffer_method, 'builtins.getattr')])
