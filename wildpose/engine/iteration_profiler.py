"""Where the time of a training iteration goes, as ``tools/train.py`` runs it.

:func:`profile_training_iterations` builds mmengine's ``Runner`` from a config exactly as
``tools/train.py`` does (same loader, workers, optim wrapper, hooks), wraps the pieces
of one iteration with timers and trains for a few iterations. Per iteration it reports
(seconds):

* ``data``: waiting for the next batch from the data loader (``next(iterator)``);
* ``preprocess``: the model's data preprocessor (stacking, normalising, casting);
* ``forward``: the network forward (``model._forward``);
* ``losses``: the rest of ``model.loss`` (target stacking, the losses) and
  ``parse_losses``;
* ``backward``: ``optim_wrapper.backward``;
* ``optimiser``: ``optim_wrapper.step`` and ``zero_grad``;
* ``hooks_other``: everything else in the iteration (hooks: timers, logging, schedulers,
  checkpoints; the loop's bookkeeping);
* ``total``: from one batch request to the next.
"""
from __future__ import annotations

import functools
import statistics
import types
import tempfile
import time
from collections import defaultdict
from typing import Any, Callable

PHASES = ('data', 'preprocess', 'forward', 'losses', 'backward', 'optimiser', 'hooks_other')


class _Timers:
    def __init__(self) -> None:
        self.current: dict[str, float] = defaultdict(float)
        self.iterations: list[dict[str, float]] = []
        self.last_start: float | None = None

    def wrap(self, name: str, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.current[name] += time.perf_counter() - start
        return timed

    def wrap_method(self, obj: Any, attr: str, name: str) -> None:
        """Replace ``obj.attr`` by a timed *bound method* (mmengine's schedulers wrap
        ``optim_wrapper.step`` and need ``__self__``)."""
        fn = getattr(obj, attr)

        def timed(_self: Any, *args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.current[name] += time.perf_counter() - start
        setattr(obj, attr, types.MethodType(timed, obj))

    def next_batch(self, fetch: Callable[[], Any]) -> Any:
        """Called at each batch request: closes the previous iteration."""
        now = time.perf_counter()
        if self.last_start is not None:
            it = dict(self.current)
            it['total'] = now - self.last_start
            it['forward'] = it.get('forward', 0.0)
            it['losses'] = it.get('model_loss', 0.0) - it['forward'] + it.get('parse', 0.0)
            it['optimiser'] = it.get('step', 0.0) + it.get('zero_grad', 0.0)
            it['hooks_other'] = it['total'] - sum(it.get(p, 0.0) for p in PHASES[:-1])
            self.iterations.append({k: it.get(k, 0.0) for k in (*PHASES, 'total')})
        self.current = defaultdict(float)
        self.last_start = now
        start = time.perf_counter()
        batch = fetch()
        self.current['data'] += time.perf_counter() - start
        return batch


def _instrument(runner: Any, timers: _Timers) -> None:
    model = runner.model
    model.data_preprocessor.forward = timers.wrap('preprocess', model.data_preprocessor.forward)
    model._forward = timers.wrap('forward', model._forward)
    model.loss = timers.wrap('model_loss', model.loss)
    model.parse_losses = timers.wrap('parse', model.parse_losses)
    # built here (mmengine would build it at the start of train(); an instance is kept)
    runner.optim_wrapper = runner.build_optim_wrapper(runner.optim_wrapper)
    wrapper = runner.optim_wrapper
    for name in ('backward', 'step', 'zero_grad'):
        timers.wrap_method(wrapper, name, name)
    loop = runner.train_loop
    iterator = loop.dataloader_iterator
    base_cls = type(iterator)

    class TimedIterator(base_cls):  # type: ignore[misc, valid-type]
        def __next__(self) -> Any:
            return timers.next_batch(lambda: base_cls.__next__(self))

    iterator.__class__ = TimedIterator


def profile_training_iterations(cfg: Any, iters: int = 30, warmup: int = 10,
                                work_dir: str | None = None) -> dict[str, Any]:
    """Train ``warmup + iters`` iterations of ``cfg`` (an mmengine ``Config`` loaded
    like ``tools/train.py`` loads it) and return the median seconds of each phase.

    Validation, checkpoints and pictures are switched off; the logger logs rarely.

    Returns:
        ``{'median_s': {phase: s}, 'mean_s': {...}, 'images_per_s': float,
        'batch_size': int, 'iters': int, 'num_workers': int}``.
    """
    from mmengine.runner import Runner

    total = warmup + iters + 1
    cfg = cfg.copy()
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=total, val_interval=10 ** 9)
    cfg.val_dataloader = cfg.val_evaluator = cfg.val_cfg = None
    cfg.default_hooks = dict(cfg.get('default_hooks', {}))
    cfg.default_hooks['checkpoint'] = dict(type='CheckpointHook', interval=10 ** 9,
                                           save_last=False)
    cfg.default_hooks['logger'] = dict(type='LoggerHook', interval=10 ** 6)
    cfg.custom_hooks = []
    cfg.log_level = 'WARNING'
    # mmengine keeps visualizers and loggers by name: a fresh name per profiled run
    run_name = f'profile_{time.time_ns()}'
    cfg.visualizer = dict(cfg.get('visualizer') or dict(type='Visualizer'), name=run_name)
    cfg.experiment_name = run_name
    cfg.load_from, cfg.resume = None, False
    with tempfile.TemporaryDirectory(prefix='wildpose_profile_') as tmp:
        cfg.work_dir = work_dir or tmp
        runner = Runner.from_cfg(cfg)
        timers = _Timers()
        _instrument(runner, timers)
        runner.train()
    measured = timers.iterations[warmup:warmup + iters]
    keys = (*PHASES, 'total')
    median = {k: statistics.median(it[k] for it in measured) for k in keys}
    mean = {k: statistics.fmean(it[k] for it in measured) for k in keys}
    batch_size = int(cfg.train_dataloader['batch_size'])
    return dict(median_s=median, mean_s=mean, images_per_s=batch_size / mean['total'],
                batch_size=batch_size, iters=len(measured),
                num_workers=int(cfg.train_dataloader.get('num_workers', 0)))
