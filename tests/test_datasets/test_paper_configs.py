"""The paper's configs (configs/weak3d/hg_*.py, eval_*.py): recipe values, build without
data, clear failure when the data is missing, data_root override."""
import os.path as osp

import pytest
import torch

from wildpose.engine.data_root import override_data_root
from wildpose.registry import DATASETS, METRICS, MODELS, TRANSFORMS
from wildpose.utils import register_all_modules

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _cfg(name):
    """The config as the tools load it (checks; derived sizes filled in)."""
    from wildpose.engine.config_loader import load_config
    return load_config(osp.join(ROOT, 'configs', 'weak3d', f'{name}.py'))


def test_stages_follow_the_paper():
    s1, s2, s3 = _cfg('hg_2d_mpii'), _cfg('hg_mixed_nogeo'), _cfg('hg_mixed')
    for cfg in (s1, s2, s3):
        bb = cfg.model.backbone
        assert (bb.num_stacks, bb.channels, bb.num_blocks, bb.depth) == (2, 256, 2, 4)
        assert cfg.input_size == (256, 256) and cfg.heatmap_size == (64, 64)
        assert cfg.train_dataloader.batch_size == 6
        assert cfg.optim_wrapper.optimizer.type == 'RMSprop'
        assert cfg.model.loss_2d.loss_weight == 1.0 and cfg.model.loss_depth.loss_weight == 0.1
    assert s1.train_dataloader.dataset.type == 'MpiiDataset'
    assert (s1.train_cfg.max_epochs, s1.optim_wrapper.optimizer.lr) == (60, 2.5e-4)
    assert s1.model.loss_geo is None and s1.load_from is None
    assert (s2.train_cfg.max_epochs, s2.optim_wrapper.optimizer.lr) == (30, 2.5e-4)
    assert s2.param_scheduler[0].milestones == [25] and s2.param_scheduler[0].gamma == 0.1
    assert s2.model.loss_geo is None and s2.load_from is None  # --load-from stage 1
    assert (s3.train_cfg.max_epochs, s3.optim_wrapper.optimizer.lr) == (10, 2.5e-5)
    assert s3.model.loss_geo == dict(type='GeometricConstraintLoss', loss_weight=0.01)
    assert s3.load_from is None  # --load-from stage 2
    for cfg in (s2, s3):
        loader = cfg.train_dataloader
        assert loader.sampler == dict(type='MixedSourceSampler', batch_size=6,
                                      source_ratio=[1, 1])
        h36m, mpii = loader.dataset.datasets
        assert h36m.type == 'Human36mDataset' and mpii.type == 'MpiiDataset'
        assert h36m.subjects == ['S1', 'S5', 'S6', 'S7', 'S8'] and h36m.frame_interval == 5
        steps = {t['type']: t for t in mpii.pipeline}
        assert steps['RandomMirror']['prob'] == 0.5
        assert steps['RandomBBoxTransform'] == dict(
            type='RandomBBoxTransform', scale_factor=0.25, rotate_factor=30, rotate_prob=0.4)
        assert (steps['RandomChannelGain']['low'], steps['RandomChannelGain']['high']) == \
            (0.6, 1.4)
        assert 'RandomMirror' not in {t['type'] for t in h36m.pipeline}  # original: no aug


def test_full_method_builds_and_runs_without_data():
    register_all_modules()
    model = MODELS.build(_cfg('hg_mixed').model).eval()
    n_params = sum(p.numel() for p in model.parameters())
    assert 14.0e6 < n_params < 14.8e6
    with torch.no_grad():
        heatmaps, depth = model(torch.rand(1, 3, 256, 256))
    assert [tuple(h.shape) for h in heatmaps] == [(1, 16, 64, 64)] * 2
    assert tuple(depth.shape) == (1, 16)


@pytest.mark.parametrize('name', ['hg_2d_mpii', 'hg_mixed_nogeo', 'hg_mixed'])
def test_missing_data_fails_naming_the_file(tmp_path, name):
    register_all_modules()
    cfg = _cfg(name)
    old = cfg.data_root
    opts = {'data_root': str(tmp_path)}
    cfg.merge_from_dict(opts)
    assert override_data_root(cfg, opts, old) > 0
    with pytest.raises(FileNotFoundError, match=r'annotation file not found: ' +
                       str(tmp_path) + r'/(h36m|mpii)/.*\.(npz|json)'):
        DATASETS.build(cfg.train_dataloader.dataset)


def test_data_root_override_reaches_every_dataset():
    cfg = _cfg('hg_mixed')
    old = cfg.data_root
    opts = {'data_root': '/elsewhere'}
    cfg.merge_from_dict(opts)
    override_data_root(cfg, opts, old)
    roots = [d.data_root for d in cfg.train_dataloader.dataset.datasets +
             cfg.val_dataloader.dataset.datasets]
    assert roots == ['/elsewhere'] * 4
    assert override_data_root(cfg, {'other': 1}, '/elsewhere') == 0


@pytest.mark.parametrize('name,dataset,metrics', [
    ('eval_h36m', 'Human36mDataset', ['MPJPEMetric']),
    ('eval_mpii', 'MpiiDataset', ['PCKhMetric']),
    ('eval_mpi_inf_3dhp', 'MpiInf3dhpDataset', ['PCK3DMetric'])])
def test_eval_configs(name, dataset, metrics):
    register_all_modules()
    cfg = _cfg(name)
    assert cfg.test_dataloader.dataset.type == dataset
    assert [m['type'] for m in cfg.test_evaluator] == metrics
    for m in cfg.test_evaluator:
        METRICS.build(m)   # the metric exists and takes these arguments
    packed = TRANSFORMS.build(cfg.test_dataloader.dataset.pipeline[-1])
    assert {'head_size', 'scene', 'keypoints_3d', 'action'} <= set(packed.meta_keys)
    if name == 'eval_h36m':
        ds = cfg.test_dataloader.dataset
        assert ds.subjects == ['S9', 'S11'] and ds.thorax_3d is False
        assert cfg.model.codec.thorax_midpoint is True
        assert cfg.test_evaluator[0]['per_action'] is True
