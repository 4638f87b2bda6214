"""NonFiniteCheckHook on a real mmengine Runner with a toy model that goes NaN on cue."""
from __future__ import annotations

import os.path as osp

import pytest
import torch
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from torch import nn

from wildpose.engine.hooks.non_finite_hook import (NonFiniteCheckHook, NonFiniteLossError,
                                                  first_non_finite)
from wildpose.engine.runner import WildposeRunner

NAN = float('nan')


class ToyModel(BaseModel):
    """y = w x; at the iterations in ``bad_loss`` the loss term 'loss_toy' is NaN, at those
    in ``bad_grad`` the loss is finite but the weight's gradient is NaN."""

    def __init__(self, bad_loss=(), bad_grad=()):
        super().__init__()
        self.linear = nn.Linear(3, 1)
        self.spare = nn.Parameter(torch.zeros(2))   # not in the loss: no gradient
        self.bad_loss, self.bad_grad = set(bad_loss), set(bad_grad)
        self.calls = 0
        self.linear.weight.register_hook(
            lambda g: torch.full_like(g, NAN) if self.calls in self.bad_grad else g)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        self.calls += 1
        x = torch.stack(inputs) if isinstance(inputs, list) else inputs
        err = (self.linear(x) - 1.0).pow(2).mean()
        if self.calls in self.bad_loss:
            err = err * NAN
        return dict(loss_toy=err, acc=torch.tensor(NAN))   # non-loss values are not checked


class ToyData(torch.utils.data.Dataset):
    def __len__(self):
        return 64

    def __getitem__(self, i):
        return dict(inputs=torch.full((3,), float(i % 5)))


def _runner(tmp_path, model, hook=None, max_iters=6, resume=False, load_from=None):
    hooks = dict(checkpoint=dict(type='CheckpointHook', interval=2, by_epoch=False),
                 logger=dict(type='LoggerHook', interval=1))
    if hook is not None:
        hooks['non_finite'] = hook
    return WildposeRunner(model=model, work_dir=str(tmp_path),
                          train_dataloader=dict(dataset=ToyData(), batch_size=2, num_workers=0,
                                                sampler=dict(type='DefaultSampler', shuffle=False),
                                                collate_fn=dict(type='default_collate')),
                          optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
                          train_cfg=dict(by_epoch=False, max_iters=max_iters),
                          default_hooks=hooks, resume=resume, load_from=load_from,
                          default_scope='wildpose', experiment_name=f'toy{id(model)}')


def _weights(path):
    return torch.load(path, map_location='cpu', weights_only=False)['state_dict']


def test_without_the_hook_nan_reaches_the_checkpoints(tmp_path):
    """The fault: a NaN loss is trained on and saved (the reason for the hook)."""
    _runner(tmp_path, ToyModel(bad_loss={3})).train()
    assert torch.isnan(_weights(tmp_path / 'iter_6.pth')['linear.weight']).all()


def test_stop_names_the_iteration_and_term_and_keeps_the_last_checkpoint(tmp_path):
    model = ToyModel(bad_loss={4})
    runner = _runner(tmp_path, model, dict(type='NonFiniteCheckHook'))
    with pytest.raises(NonFiniteLossError) as info:
        runner.train()
    message = str(info.value)
    assert message.startswith("iteration 4: loss term 'loss_toy' is nan; stopping.")
    assert 'iter_2.pth' in message and '\n' not in message
    assert not osp.exists(tmp_path / 'iter_4.pth')
    saved = _weights(tmp_path / 'iter_2.pth')
    assert all(torch.isfinite(t).all() for t in saved.values())
    assert torch.isfinite(model.linear.weight).all()   # no update was made with the NaN


def test_non_finite_gradient_stops_with_the_parameter_name(tmp_path):
    runner = _runner(tmp_path, ToyModel(bad_grad={3}), dict(type='NonFiniteCheckHook'))
    with pytest.raises(NonFiniteLossError, match=r"iteration 3: the gradient of "
                       r"'linear.weight' is not finite \(loss [0-9.e+-]+\); stopping"):
        runner.train()


def test_skip_counts_and_leaves_the_weights_untouched(tmp_path):
    model = ToyModel(bad_loss={3}, bad_grad={5})
    hook = dict(type='NonFiniteCheckHook', action='skip', max_skips=2)
    runner = _runner(tmp_path, model, hook)
    changed = []

    class WeightSpy(Hook):   # which iterations changed the weights
        def before_train_iter(self, runner, batch_idx, data_batch=None):
            self.before = model.linear.weight.detach().clone()

        def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
            if not torch.equal(self.before, model.linear.weight):
                changed.append(runner.iter + 1)   # as the log counts iterations

    runner.register_hook(WeightSpy(), priority='LOWEST')
    runner.train()
    guard = next(h for h in runner.hooks if isinstance(h, NonFiniteCheckHook))
    assert guard.skipped == 2
    assert changed == [1, 2, 4, 6]          # no update at iterations 3 and 5
    for it in (2, 4, 6):
        state = torch.load(tmp_path / f'iter_{it}.pth', weights_only=False)
        assert all(torch.isfinite(t).all() for t in state['state_dict'].values())
    assert state['meta']['non_finite_skips'] == 2
    # resumed, the count goes on: one more skip is one too many
    again = _runner(tmp_path, ToyModel(bad_loss={1}), hook, max_iters=8, resume=True)
    with pytest.raises(NonFiniteLossError, match='iteration 7: .* more than 2 updates skipped'):
        again.train()


def test_a_non_finite_checkpoint_is_never_written(tmp_path):
    model = ToyModel()
    runner = _runner(tmp_path, model, dict(type='NonFiniteCheckHook'), max_iters=2)
    with torch.no_grad():
        model.spare.fill_(NAN)   # outside the loss: only the checkpoint check sees it
    with pytest.raises(NonFiniteLossError, match="refusing to save a checkpoint: "
                       "'spare' is not finite"):
        runner.train()
    assert not osp.exists(tmp_path / 'iter_2.pth')


def test_bad_settings_are_clear_errors():
    with pytest.raises(ValueError, match="action must be one of"):
        NonFiniteCheckHook(action='ignore')
    with pytest.raises(ValueError, match='max_skips must be >= 0'):
        NonFiniteCheckHook(max_skips=-1)


def test_first_non_finite_names_the_first_culprit_across_dtypes():
    good = [('a', torch.ones(3)), ('b', torch.zeros(2, 2, dtype=torch.bfloat16)),
            ('steps', torch.tensor(7)), ('note', 'not a tensor')]
    assert first_non_finite(good) is None
    assert first_non_finite([]) is None
    bad = good + [('c', torch.tensor([1.0, float('inf')], dtype=torch.bfloat16)),
                  ('d', torch.tensor([float('nan')]))]
    assert first_non_finite(bad) == 'c'
    assert first_non_finite(good + [('d', torch.tensor([float('nan')]))]) == 'd'


def test_first_non_finite_is_not_fooled_by_a_norm_that_overflows():
    huge = torch.full((4,), 3e38)  # finite, but its 2-norm is not representable in float32
    assert not torch.isfinite(torch.linalg.vector_norm(huge))
    assert first_non_finite([('huge', huge)]) is None
