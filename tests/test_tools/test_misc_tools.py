"""tools/misc: print_config.py and list_modules.py."""
import os.path as osp

import pytest
from mmengine.config import Config
from repo_files import load_tool



def _tool(name: str):
    return load_tool(f'misc/{name}.py')


def test_print_config_shows_the_resolved_config_with_overrides(tmp_path, capsys):
    out = tmp_path / 'resolved.py'
    text = _tool('print_config').main([
        'wildpose::weak3d/hg_mixed_synth.py', '--cfg-options', 'train_cfg.max_iters=11',
        'data_root=/data/x', '--out', str(out)])
    printed = capsys.readouterr().out
    assert text in printed and '_base_' not in printed
    cfg = Config.fromfile(str(out))
    assert cfg.train_cfg.max_iters == 11
    # inherited from _base_/datasets/synthetic_lab_wild.py, and data_root reached the datasets
    assert cfg.train_dataloader.sampler.type == 'MixedSourceSampler'
    assert {d.data_root for d in cfg.train_dataloader.dataset.datasets} == {'/data/x'}
    assert 'launcher' not in cfg


def test_print_config_refuses_an_unknown_type(tmp_path):
    bad = tmp_path / 'bad.py'
    bad.write_text("_base_ = ['wildpose::weak3d/hg_mixed_synth.py']\n"
                   "train_dataloader = dict(sampler=dict(type='MixedSampler'))\n")
    with pytest.raises(KeyError, match="unknown type 'MixedSampler'"):
        _tool('print_config').main([str(bad)])


def test_list_modules_names_the_registering_file(capsys):
    from wildpose.models.heads import DepthRegressionHead  # noqa: F401
    result = _tool('list_modules').main(['model'])
    assert list(result) == ['MODELS']
    rows = dict(result['MODELS'])
    assert rows['DepthRegressionHead'] == osp.join('wildpose', 'models', 'heads',
                                                   'depth_head.py')
    assert rows['Weak3DPoseEstimator'].endswith(osp.join('estimators', 'weak3d.py'))
    assert 'RMSprop' not in rows  # mmengine's types only with --parents
    printed = capsys.readouterr().out
    assert 'MODELS' in printed and 'depth_head.py' in printed


def test_list_modules_all_registries_parents_and_custom_imports(tmp_path, monkeypatch):
    tool = _tool('list_modules')
    everything = tool.main([])
    assert {'MODELS', 'DATASETS', 'TRANSFORMS', 'METRICS', 'HOOKS', 'DATA_SAMPLERS'} <= \
        set(everything)
    assert 'MixedSourceSampler' in dict(everything['DATA_SAMPLERS'])
    assert 'RMSprop' in dict(tool.main(['OPTIMIZERS', '--parents'])['OPTIMIZERS'])
    (tmp_path / 'my_listed_loss.py').write_text(
        'from torch import nn\nfrom wildpose.registry import MODELS\n\n\n'
        '@MODELS.register_module()\nclass MyListedLoss(nn.Module):\n    pass\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    rows = dict(tool.main(['MODELS', '--import', 'my_listed_loss'])['MODELS'])
    assert rows['MyListedLoss'] == str(tmp_path / 'my_listed_loss.py')
    with pytest.raises(KeyError, match="no registry named 'FOO'.*MODELS"):
        tool.main(['FOO'])
