import numpy as np
import pytest
from mmengine.dataset import BaseDataset, ConcatDataset

from wildpose.datasets.samplers import MixedSourceSampler, split_batch


class _Range(BaseDataset):
    def __init__(self, n):
        self.n = n
        super().__init__(serialize_data=False)

    def load_data_list(self):
        return [dict(i=i) for i in range(self.n)]


def _concat(*sizes):
    return ConcatDataset([_Range(n) for n in sizes])


def test_split_batch():
    assert split_batch(16, [1, 1]) == [8, 8]
    assert split_batch(6, [2, 1]) == [4, 2]
    assert split_batch(5, [1, 1]) in ([3, 2], [2, 3])
    assert sum(split_batch(7, [1, 100])) == 7 and split_batch(7, [1, 100])[0] >= 1
    with pytest.raises(ValueError):
        split_batch(8, [0, 0])


def test_every_batch_has_the_configured_mix():
    ds = _concat(30, 100)
    sampler = MixedSourceSampler(ds, batch_size=8, source_ratio=[1, 1], seed=0)
    idx = np.array(list(sampler))
    assert len(idx) == len(sampler)
    batches = idx.reshape(-1, 8)
    assert all((b < 30).sum() == 4 for b in batches)
    # the larger source is seen once per epoch, the smaller one is cycled
    assert set(idx[idx >= 30].tolist()) == set(range(30, 130))
    assert set(idx[idx < 30].tolist()) == set(range(30))


def test_epochs_reshuffle_and_seed_is_deterministic():
    ds = _concat(20, 20)
    a = MixedSourceSampler(ds, 4, [1, 1], seed=3)
    b = MixedSourceSampler(ds, 4, [1, 1], seed=3)
    assert list(a) == list(b)
    first = list(a)
    a.set_epoch(1)
    assert list(a) != first


def test_rejects_plain_dataset_and_bad_ratio():
    with pytest.raises(TypeError, match='ConcatDataset'):
        MixedSourceSampler(_Range(10), 4, [1])
    with pytest.raises(ValueError, match='source_ratio'):
        MixedSourceSampler(_concat(5, 5), 4, [1, 1, 1])
