"""Test-only hook: what each process of a distributed run trained on, step by step.

Writes ``$WILDPOSE_PROBE_DIR/rank<r>.jsonl``: one line per training iteration with the
rank, world size, process-group backend, the sampler's epoch, the batch's (domain,
sample_idx) pairs, the learning rate and a checksum of the model parameters after the
step.
"""
from __future__ import annotations

import json
import os
import os.path as osp

import torch.distributed as dist
from mmengine.dist import get_dist_info
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from wildpose.registry import HOOKS


@HOOKS.register_module()
class DistProbeHook(Hook):
    priority = 'LOWEST'

    def __init__(self) -> None:
        self._batch: list = []

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        self._batch = [[ds.metainfo['domain'], int(ds.metainfo['sample_idx'])]
                       for ds in data_batch['data_samples']]

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        rank, world = get_dist_info()
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        # position-weighted, so that parameters swapped between layers change it too
        checksum = sum(float(p.detach().double().sum()) * (i + 1)
                       for i, p in enumerate(model.parameters()))
        sampler = runner.train_dataloader.sampler
        backend = dist.get_backend() if dist.is_initialized() else None
        line = dict(iter=runner.iter, rank=rank, world_size=world, backend=backend,
                    epoch=int(getattr(sampler, 'epoch', -1)), samples=self._batch,
                    lr=runner.optim_wrapper.get_lr()['lr'][0], checksum=checksum)
        out = os.environ['WILDPOSE_PROBE_DIR']
        os.makedirs(out, exist_ok=True)
        with open(osp.join(out, f'rank{rank}.jsonl'), 'a') as f:
            f.write(json.dumps(line) + '\n')
