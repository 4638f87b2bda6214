"""A sampler that gives every batch the same mix of data sources.

The paper trains on batches that are half Human3.6M (3D labels) and half MPII (2D labels
only). :class:`MixedSourceSampler` reproduces that for any number of sources joined in an
:class:`mmengine.dataset.ConcatDataset`.
"""
from __future__ import annotations

import math
from typing import Iterator, Sequence

import numpy as np
from mmengine.dataset import ConcatDataset
from mmengine.dist import get_dist_info, sync_random_seed
from torch.utils.data import Sampler

from ..registry import DATA_SAMPLERS


def split_batch(batch_size: int, ratio: Sequence[float]) -> list[int]:
    """How many samples of each source a batch holds: split ``batch_size`` by ``ratio``
    (largest remainders), every source with a positive ratio getting at least one."""
    if batch_size < sum(1 for r in ratio if r > 0):
        raise ValueError(f'batch_size {batch_size} is smaller than the number of sources')
    ratio = np.asarray(ratio, dtype=np.float64)
    if np.any(ratio < 0) or ratio.sum() <= 0:
        raise ValueError(f'source_ratio must be non-negative and not all zero, got {ratio}')
    exact = batch_size * ratio / ratio.sum()
    counts = np.floor(exact).astype(int)
    counts[(ratio > 0) & (counts == 0)] = 1
    while counts.sum() < batch_size:
        counts[np.argmax(exact - counts)] += 1
    while counts.sum() > batch_size:
        counts[np.argmax(counts - exact)] -= 1
    return counts.tolist()


@DATA_SAMPLERS.register_module()
class MixedSourceSampler(Sampler):
    """Yield indices so that each consecutive ``batch_size`` run mixes the sources.

    Args:
        dataset: a ``ConcatDataset`` whose sub-datasets are the sources.
        batch_size: the data loader's batch size (per process); the config loader fills
            it in from ``train_dataloader.batch_size`` (``batch_size_from_loader``).
        source_ratio: relative share of each source in a batch, e.g. ``[1, 1]``.
        shuffle: shuffle each source every epoch.
        seed: random seed (synchronised across processes when None).

    One epoch is as many batches as it takes to show every sample of the largest source
    once (in the source's share); smaller sources are cycled, reshuffled each cycle.
    """

    #: the config loader sets ``batch_size`` from the data loader's (written once there)
    batch_size_from_loader = True

    def __init__(self, dataset: ConcatDataset, batch_size: int,
                 source_ratio: Sequence[float], shuffle: bool = True,
                 seed: int | None = None) -> None:
        if not isinstance(dataset, ConcatDataset):
            raise TypeError('MixedSourceSampler needs a ConcatDataset of the sources, got '
                            f'{type(dataset).__name__}')
        sizes = [len(d) for d in dataset.datasets]
        if len(source_ratio) != len(sizes):
            raise ValueError(f'source_ratio has {len(source_ratio)} entries for '
                             f'{len(sizes)} datasets')
        if any(n == 0 for n in sizes):
            raise ValueError(f'a source of MixedSourceSampler is empty: sizes {sizes}')
        self.rank, self.world_size = get_dist_info()
        self.sizes = sizes
        self.offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(int)
        self.per_batch = split_batch(batch_size, source_ratio)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.seed = sync_random_seed() if seed is None else seed
        self.epoch = 0
        total_batches = max(math.ceil(n / k) for n, k in zip(sizes, self.per_batch) if k > 0)
        self.num_batches = math.ceil(total_batches / self.world_size)

    def _stream(self, source: int, count: int, rng: np.random.Generator) -> np.ndarray:
        """``count`` indices of one source, cycling through reshuffled permutations."""
        n = self.sizes[source]
        chunks = []
        while sum(len(c) for c in chunks) < count:
            chunks.append(rng.permutation(n) if self.shuffle else np.arange(n))
        return np.concatenate(chunks)[:count] + self.offsets[source]

    def __iter__(self) -> Iterator[int]:
        rng = np.random.default_rng(self.seed + self.epoch)
        total = self.num_batches * self.world_size
        streams = [self._stream(s, k * total, rng) for s, k in enumerate(self.per_batch)]
        for b in range(self.rank, total, self.world_size):
            batch = np.concatenate([st[b * k:(b + 1) * k]
                                    for st, k in zip(streams, self.per_batch)])
            if self.shuffle:
                rng_b = np.random.default_rng((self.seed, self.epoch, b))
                batch = rng_b.permutation(batch)
            yield from batch.tolist()

    def __len__(self) -> int:
        return self.num_batches * self.batch_size

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch
