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
