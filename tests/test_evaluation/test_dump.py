"""Prediction dumps: round trip, and metrics recomputed from a dump equal the originals."""
from __future__ import annotations

import numpy as np
import pytest

from wildpose.evaluation import evaluate_samples, load_dump, save_dump
from wildpose.evaluation.dump import sample_fields
from wildpose.evaluation.evaluator_config import numeric_metric_configs as metric_configs
from wildpose.structures.skeleton import NUM_JOINTS

EVALUATOR = [dict(type='MPJPEMetric', group_by='domain', per_action=True),
             dict(type='PCKMetric', threshold=0.05, group_by='domain'),
             dict(type='PCKhMetric'), dict(type='PCK3DMetric'),
             dict(type='PredictionCollector')]


def make_samples(n: int = 12, seed: int = 0) -> list[dict]:
    rng = np.random.default_rng(seed)
    samples = []
    for i in range(n):
        lab = i % 2 == 0
        gt2d = rng.uniform(0, 200, size=(NUM_JOINTS, 2))
        ds = dict(pred_keypoints=gt2d + rng.normal(size=(NUM_JOINTS, 2)) * 5,
                  pred_scores=rng.uniform(size=NUM_JOINTS).astype(np.float32),
                  pred_keypoints_3d=rng.normal(size=(NUM_JOINTS, 3)) * 200,
                  keypoints=gt2d, keypoints_visible=(rng.uniform(size=NUM_JOINTS) > 0.2) * 1.0,
                  bbox_scale=np.array([150.0, 180.0]), sample_idx=i, img_id=100 + i,
                  img_path=f'/data/img_{i:03d}.png', domain='lab' if lab else 'wild',
                  has_3d=lab, action=['Walk', 'Sit', 'Eat'][i % 3] if lab else '')
        if lab:
            ds['keypoints_3d'] = ds['pred_keypoints_3d'] + rng.normal(size=(NUM_JOINTS, 3)) * 60
            ds['scene'] = 'GS' if i % 4 == 0 else 'Outdoor'
        else:
            ds['head_size'] = float(rng.uniform(20, 40))
        samples.append(ds)
    return samples


def test_round_trip_keeps_every_field(tmp_path):
    samples = [sample_fields(s) for s in make_samples()]
    path = str(tmp_path / 'sub' / 'preds.npz')
    save_dump(path, samples, meta=dict(test_evaluator=EVALUATOR, note=(1, 2)))
    loaded, meta = load_dump(path)
    assert meta['test_evaluator'][0]['type'] == 'MPJPEMetric' and meta['note'] == [1, 2]
    assert len(loaded) == len(samples)
    for a, b in zip(samples, loaded):
        assert set(a) == set(b)
        for key in a:
            if isinstance(a[key], str):
                assert a[key] == b[key]
            else:
                np.testing.assert_array_equal(np.asarray(a[key]), np.asarray(b[key]))
    # only numpy arrays inside: readable without pickle
    with np.load(path, allow_pickle=False) as data:
        assert 'keypoints_3d__present' in data.files and data['pred_keypoints'].shape == (
            12, NUM_JOINTS, 2)


def test_metrics_from_dump_equal_the_originals(tmp_path):
    samples = make_samples()
    direct = evaluate_samples(samples, EVALUATOR)
    assert {'mpjpe', 'mpjpe_action_mean', 'pck', 'pckh', '3dpck', 'scene/GS/3dpck'} <= set(
        direct)
    path = str(tmp_path / 'preds.npz')
    save_dump(path, [sample_fields(s) for s in samples])
    loaded, _ = load_dump(path)
    again = evaluate_samples(loaded, EVALUATOR)
    assert again.keys() == direct.keys()
    for key in direct:
        assert again[key] == pytest.approx(direct[key], nan_ok=True), key


def test_collector_metric_writes_a_dump(tmp_path):
    from wildpose.evaluation.metrics import PredictionCollector

    path = str(tmp_path / 'c.npz')
    collector = PredictionCollector(out_file=path)
    collector.process(None, make_samples(4))
    assert collector.evaluate(4) == {}
    assert len(collector.samples) == 4
    loaded, _ = load_dump(path)
    assert [s['sample_idx'] for s in loaded] == [0, 1, 2, 3]


def test_bad_dumps_and_configs_are_named(tmp_path):
    bad = tmp_path / 'bad.npz'
    np.savez(bad, foo=np.zeros(3))
    with pytest.raises(KeyError, match='bad.npz'):
        load_dump(str(bad))
    with pytest.raises(FileNotFoundError, match='nope.npz'):
        load_dump(str(tmp_path / 'nope.npz'))
    with pytest.raises(KeyError, match='pred_keypoints'):
        sample_fields(dict(keypoints=np.zeros((16, 2))))
    assert [c['type'] for c in metric_configs(dict(metrics=EVALUATOR))] == [
        'MPJPEMetric', 'PCKMetric', 'PCKhMetric', 'PCK3DMetric']
    with pytest.raises(ValueError, match='same keys'):
        evaluate_samples(make_samples(), [dict(type='PCKMetric'), dict(type='PCKMetric')])
