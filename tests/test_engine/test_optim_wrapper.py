"""AutocastOptimWrapper (bf16 training on any device) and what --amp means per device."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from wildpose.engine import AutocastOptimWrapper, amp_optim_wrapper


def _wrapper(model: nn.Module, **kwargs) -> AutocastOptimWrapper:
    return AutocastOptimWrapper(optimizer=torch.optim.SGD(model.parameters(), lr=0.1), **kwargs)


def test_forward_runs_in_bfloat16_inside_the_context_and_float32_outside():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.LazyLinear(1))
    x = torch.randn(2, 3, 8, 8)
    model(x)
    wrapper = _wrapper(model)
    with wrapper.optim_context(model):
        inside = model(x)
    assert inside.dtype == torch.bfloat16
    assert model(x).dtype == torch.float32
    assert next(model.parameters()).dtype == torch.float32  # master weights stay fp32


def test_a_bfloat16_step_descends_like_the_float32_one():
    torch.manual_seed(0)
    x, y = torch.randn(64, 5), torch.randn(64, 1)
    losses = {}
    for name, cls in (('bf16', AutocastOptimWrapper), ('fp32', None)):
        torch.manual_seed(1)
        model = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Linear(16, 1))
        opt = torch.optim.SGD(model.parameters(), lr=0.2)
        from mmengine.optim import OptimWrapper
        wrapper = cls(optimizer=opt) if cls else OptimWrapper(optimizer=opt)
        history = []
        for _ in range(60):
            with wrapper.optim_context(model):
                loss = ((model(x).float() - y) ** 2).mean()
            wrapper.update_params(loss)
            history.append(loss.item())
        losses[name] = history
    assert losses['bf16'][-1] < 0.8 * losses['bf16'][0]
    assert abs(losses['bf16'][-1] - losses['fp32'][-1]) < 0.05 * losses['fp32'][0]


def test_float16_on_the_cpu_and_unknown_dtypes_are_refused():
    model = nn.Linear(2, 2)
    with pytest.raises(ValueError, match='dtype must be one of'):
        _wrapper(model, dtype='float8')
    wrapper = _wrapper(model, dtype='float16')
    with pytest.raises(ValueError, match="bfloat16"):
        with wrapper.optim_context(model):
            pass


def test_amp_means_bf16_autocast_on_cpu_and_amp_optim_wrapper_on_cuda(monkeypatch):
    base = dict(type='OptimWrapper', optimizer=dict(type='RMSprop', lr=1e-3))
    cpu = amp_optim_wrapper(base, 'cpu')
    assert cpu == dict(type='AutocastOptimWrapper', dtype='bfloat16',
                       optimizer=dict(type='RMSprop', lr=1e-3))
    assert base['type'] == 'OptimWrapper'  # the config is not modified
    monkeypatch.setattr(torch.cuda, 'is_bf16_supported', lambda *a, **k: False)
    cuda = amp_optim_wrapper(base, 'cuda')
    assert cuda['type'] == 'AmpOptimWrapper' and cuda['dtype'] == 'float16'
    assert cuda['loss_scale'] == 'dynamic'
    with pytest.raises(ValueError, match='mps'):
        amp_optim_wrapper(base, 'mps')


def test_the_wrapper_is_registered_for_configs():
    from wildpose.registry import OPTIM_WRAPPERS
    assert OPTIM_WRAPPERS.get('AutocastOptimWrapper') is AutocastOptimWrapper
