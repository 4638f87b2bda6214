"""tools/analysis/sample_path.py: the files a sample runs through, in order."""
from __future__ import annotations

import os.path as osp

from repo_files import load_tool

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TINY = osp.join(REPO, 'tests', 'data', 'configs', 'tiny_mixed_synth.py')


def _before(files: list[str], *names: str) -> bool:
    where = [files.index(f'wildpose/{n}') for n in names]
    return where == sorted(where)


def test_a_training_sample_from_config_to_loss(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the tiny config generates its data under ./data
    path = load_tool('analysis/sample_path.py').follow(TINY, 'train')
    assert path['config'] == [
        'tests/data/configs/tiny_mixed_synth.py', 'configs/weak3d/hg_mixed_synth.py',
        'configs/_base_/default_runtime.py', 'configs/_base_/models/hourglass_weak3d.py',
        'configs/_base_/datasets/synthetic_lab_wild.py']
    assert path['tool'] == ['tools/train.py']
    files = path['wildpose']
    # the pipeline in its order, then the model and the losses the config names
    assert _before(files, 'datasets/samplers.py', 'datasets/transforms/loading.py',
                   'datasets/transforms/common_transforms.py',
                   'datasets/transforms/topdown_affine.py',
                   'codecs/integral_depth.py', 'datasets/transforms/formatting.py',
                   'models/estimators/weak3d.py', 'models/losses/integral_loss.py')
    assert 'models/losses/heatmap_loss.py' not in files  # not this config's loss
    assert not [f for f in files if f.endswith('__init__.py')]


def test_a_test_sample_from_config_to_metric(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = load_tool('analysis/sample_path.py').follow(TINY, 'test')
    files = path['wildpose']
    assert path['tool'] == ['tools/test.py']
    assert _before(files, 'datasets/transforms/loading.py', 'models/estimators/weak3d.py',
                   'geometry/metric_pose.py', 'evaluation/metrics/keypoint_3d_metrics.py',
                   'evaluation/functional.py')
    assert 'models/losses/integral_loss.py' not in files  # no loss at test time
