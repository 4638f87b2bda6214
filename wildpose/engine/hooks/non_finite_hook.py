"""Stop (or skip the step) when a loss term or a gradient is not finite.

Without this hook a diverged run trains on to its end at ``loss: nan``, exits 0 and saves
checkpoints full of NaN. The hook guards each parameter update of the runner's
:class:`~mmengine.optim.OptimWrapper`:

* before the backward pass, every loss term the model returned must be finite;
* before the optimiser step, every gradient must be finite (not under
  ``AmpOptimWrapper``, whose dynamic loss scale already skips such steps);
* before a checkpoint is written, every weight and optimiser state must be finite.

``action='stop'`` raises :class:`NonFiniteLossError` with one line naming the iteration
and the loss term (or parameter); no step is taken, so the weights and the last
checkpoint are those of the last good iteration. ``action='skip'`` drops the update
(gradients zeroed, weights and optimiser state untouched), logs one line, counts it
(kept in checkpoints, so a resumed run goes on counting) and stops once more than
``max_skips`` updates were skipped. In distributed runs the ranks decide together.
"""
from __future__ import annotations

import os.path as osp
from typing import Any, Callable

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.optim import AmpOptimWrapper, OptimWrapper

from ...registry import HOOKS

ACTIONS = ('stop', 'skip')


class NonFiniteLossError(FloatingPointError):
    """Training met a non-finite loss term, gradient or weight; the message says where."""


def _any_rank(flag: bool, device: torch.device) -> bool:
    """``flag`` or-ed over the ranks of a distributed run (itself otherwise)."""
    if not (torch.distributed.is_available() and torch.distributed.is_initialized()):
        return flag
    value = torch.tensor([float(flag)], device=device)
    torch.distributed.all_reduce(value, op=torch.distributed.ReduceOp.MAX)
    return bool(value.item())


def first_non_finite(named: Any) -> str | None:
    """The name of the first floating-point tensor of ``(name, tensor)`` pairs with a NaN or
    an infinity, or None.

    The check runs once per iteration over every gradient, so the common case is one
    ``torch._foreach_norm`` per device and dtype: a finite norm means finite elements (a
    NaN or an infinity makes the norm non-finite). Only when a norm is not finite (or
    overflows) are the tensors looked at one by one to name the culprit.
    """
    items = [(n, t) for n, t in named if isinstance(t, torch.Tensor) and t.is_floating_point()]
    if not items:
        return None
    groups: dict[tuple[torch.device, torch.dtype], list[torch.Tensor]] = {}
    for _, t in items:
        groups.setdefault((t.device, t.dtype), []).append(t.detach())
    if all(bool(torch.stack(torch._foreach_norm(ts)).isfinite().all())
           for ts in groups.values()):
        return None
    for name, t in items:
        if not bool(torch.isfinite(t).all()):
            return name
    return None  # the norm overflowed; every element is finite


@HOOKS.register_module()
class NonFiniteCheckHook(Hook):
    """Guards every update against non-finite losses and gradients (see the module doc).

    Args:
        action: 'stop' (default) or 'skip'.
        max_skips: with 'skip', the most updates skipped in a run before it stops.
        check_grads: also check the gradients before each optimiser step.
    """

    priority = 'VERY_HIGH'

    def __init__(self, action: str = 'stop', max_skips: int = 10,
                 check_grads: bool = True) -> None:
        if action not in ACTIONS:
            raise ValueError(f"NonFiniteCheckHook: action must be one of {ACTIONS}, got "
                             f"{action!r}")
        if int(max_skips) < 0:
            raise ValueError(f'NonFiniteCheckHook: max_skips must be >= 0, got {max_skips}')
        self.action = action
        self.max_skips = int(max_skips)
        self.check_grads = check_grads
        self.skipped = 0
        self._terms: dict[str, torch.Tensor] = {}
        self._restore: list[Callable[[], None]] = []

    # ------------------------------------------------------------------ wiring
    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        wrapper = runner.optim_wrapper
        if not isinstance(wrapper, OptimWrapper):  # e.g. OptimWrapperDict: weights only
            runner.logger.warning('NonFiniteCheckHook: guards a single OptimWrapper; with '
                                  f'{type(wrapper).__name__} only checkpoints are checked')
            return
        parse_losses = model.parse_losses

        def recording_parse_losses(losses):
            self._terms = dict(losses)
            return parse_losses(losses)

        update_params = wrapper.update_params

        def guarded_update_params(loss, step_kwargs=None, zero_kwargs=None):
            return self._update(runner, wrapper, loss, step_kwargs or {}, zero_kwargs or {})

        model.parse_losses = recording_parse_losses
        wrapper.update_params = guarded_update_params
        self._restore = [lambda: setattr(model, 'parse_losses', parse_losses),
                         lambda: setattr(wrapper, 'update_params', update_params)]
        self._params = [(name, p) for name, p in model.named_parameters() if p.requires_grad]

    def after_train(self, runner) -> None:
        for undo in self._restore:
            undo()
        self._restore = []
        if self.skipped:
            runner.logger.warning(f'NonFiniteCheckHook: {self.skipped} update(s) skipped in '
                                  'this run for non-finite losses or gradients')

    # ------------------------------------------------------------------ the guard
    def _update(self, runner, wrapper: OptimWrapper, loss: torch.Tensor,
                step_kwargs: dict, zero_kwargs: dict) -> None:
        # the terms mmengine sums into the loss: those named '*loss*' (parse_losses)
        terms = {k: v for k, v in self._terms.items() if 'loss' in k}
        terms.setdefault('loss', loss)
        bad_term = first_non_finite(terms.items())
        if _any_rank(bad_term is not None, loss.device):
            what = (f'loss term {bad_term!r} is {self._value(terms[bad_term])}'
                    if bad_term else 'a loss term is not finite on another rank')
            self._fault(runner, wrapper, what)
            return
        wrapper.backward(wrapper.scale_loss(loss))
        if not wrapper.should_update():
            return
        if self.check_grads and not isinstance(wrapper, AmpOptimWrapper):
            bad_param = first_non_finite((n, p.grad) for n, p in self._params)
            if _any_rank(bad_param is not None, loss.device):
                self._fault(runner, wrapper, f'the gradient of {bad_param!r} is not finite '
                            f'(loss {loss.item():.6g})' if bad_param else
                            'a gradient is not finite on another rank')
                return
        wrapper.step(**step_kwargs)
        wrapper.zero_grad(**zero_kwargs)

    @staticmethod
    def _value(t: torch.Tensor) -> str:
        t = t.detach()
        return str(t.item()) if t.numel() == 1 else f'not finite ({tuple(t.shape)} values)'

    def _fault(self, runner, wrapper: OptimWrapper, what: str) -> None:
        iteration = runner.iter + 1  # as the log counts: Iter(train) [k/N]
        if self.action == 'skip' and self.skipped < self.max_skips:
            self.skipped += 1
            wrapper.zero_grad()
            runner.logger.warning(f'iteration {iteration}: {what}; update skipped '
                                  f'({self.skipped} of at most {self.max_skips})')
            return
        wrapper.zero_grad()
        why = (f'more than {self.max_skips} updates skipped' if self.action == 'skip'
               else 'stopping')
        other = ("raise default_hooks.non_finite.max_skips" if self.action == 'skip' else
                 "set default_hooks.non_finite.action='skip'")
        message = (f'iteration {iteration}: {what}; {why}. No update was made with it; '
                   f'{self._last_checkpoint(runner)} Lower the learning rate, check the data '
                   f'(tools/misc/check_dataset.py), or {other}.')
        runner.logger.error(message)
        raise NonFiniteLossError(message)

    @staticmethod
    def _last_checkpoint(runner) -> str:
        marker = osp.join(runner.work_dir, 'last_checkpoint')
        if osp.isfile(marker):
            with open(marker) as f:
                return f'the last checkpoint, {f.read().strip()}, is kept as it was.'
        return 'no checkpoint was saved before it.'

    # ------------------------------------------------------------------ checkpoints
    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        state = checkpoint.get('state_dict', {})
        bad = first_non_finite(state.items())
        if bad is None:
            optim = checkpoint.get('optimizer', {})
            states = optim.get('state', {}) if isinstance(optim, dict) else {}
            bad = first_non_finite((f'optimizer state {k}.{n}', t)
                                   for k, s in states.items() for n, t in s.items())
        if bad is not None:
            message = (f'iteration {runner.iter}: refusing to save a checkpoint: {bad!r} is not '
                       f'finite; {self._last_checkpoint(runner)}')
            runner.logger.error(message)
            raise NonFiniteLossError(message)
        checkpoint.setdefault('meta', {})['non_finite_skips'] = self.skipped

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if getattr(runner, '_resume', False):  # a resumed run goes on counting
            self.skipped = int(checkpoint.get('meta', {}).get('non_finite_skips', 0))
