import pytest
from mmengine.config import Config

from wildpose.engine.config_check import check_top_level_keys


def test_misspelt_runner_key_is_named(tmp_path):
    path = tmp_path / 'cfg.py'
    path.write_text("train_dataloder = dict(batch_size=2)\ndata_root = 'x'\n")
    with pytest.raises(KeyError, match="train_dataloder.*did you mean 'train_dataloader'"):
        check_top_level_keys(Config.fromfile(str(path)))


def test_own_variables_are_allowed(tmp_path):
    path = tmp_path / 'cfg.py'
    path.write_text("data_root = 'x'\ninput_size = (1, 2)\ntrain_dataloader = dict()\n")
    check_top_level_keys(Config.fromfile(str(path)))


def test_unknown_types_are_named_with_their_entry(tmp_path):
    from wildpose.engine.config_check import check_types
    from wildpose.utils import register_all_modules

    register_all_modules()
    base = 'configs/weak3d/hg_mixed_synth.py'
    check_types(Config.fromfile(base))  # the shipped config is fine
    cases = {
        "model = dict(type='Weak3DPoseEstimatr')": ('model', 'Weak3DPoseEstimatr'),
        "test_evaluator = [dict(type='MPJPEMetrik')]": ('test_evaluator', 'MPJPEMetrik'),
        "train_dataloader = dict(sampler=dict(type='MixedSampler'))":
            ('train_dataloader.sampler', 'MixedSampler'),
    }
    import os.path as osp
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    for i, (line, (entry, name)) in enumerate(cases.items()):
        path = tmp_path / f'c{i}.py'
        path.write_text(f"_base_ = [{osp.join(repo, base)!r}]\n{line}\n")
        with pytest.raises(KeyError, match=f"{entry}: unknown type '{name}'.*Registered"):
            check_types(Config.fromfile(str(path)))


def test_unknown_transform_is_named(tmp_path):
    from wildpose.engine.config_check import check_types
    from wildpose.utils import register_all_modules

    register_all_modules()
    path = tmp_path / 'c.py'
    path.write_text("test_dataloader = dict(dataset=dict(type='ConcatDataset', datasets=[\n"
                    "    dict(type='Coco3DDataset', pipeline=[dict(type='LoadImag')])]))\n")
    with pytest.raises(KeyError, match="pipeline: unknown type 'LoadImag'.*LoadImage"):
        check_types(Config.fromfile(str(path)))


def test_the_mixed_sampler_takes_its_batch_size_from_the_loader(tmp_path):
    from wildpose.engine.config_loader import load_config
    base = ("train_dataloader = dict(batch_size=6, sampler=dict(type='MixedSourceSampler', "
            "source_ratio=[1, 1]{extra}), dataset=dict(type='ConcatDataset', datasets=[]))\n")
    path = tmp_path / 'a.py'
    path.write_text(base.format(extra=''))
    assert load_config(str(path)).train_dataloader.sampler.batch_size == 6
    path.write_text(base.format(extra=', batch_size=6'))
    assert load_config(str(path)).train_dataloader.sampler.batch_size == 6
    path.write_text(base.format(extra=', batch_size=8'))
    with pytest.raises(ValueError, match=r'sampler.batch_size=8 differs from '
                                         r'train_dataloader.batch_size=6'):
        load_config(str(path))
