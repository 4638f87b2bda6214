"""tools/train.py's options, as the config it hands to the runner (no training)."""
from __future__ import annotations

import os.path as osp

import pytest
from repo_files import REPO, load_tool

CONFIG = osp.join(REPO, 'tests', 'data', 'configs', 'tiny_mixed_synth.py')


@pytest.fixture(scope='module')
def train():
    return load_tool('train.py')


def _cfg(train, *options: str):
    return train.build_config(train.parse_args([CONFIG, '--work-dir', '/tmp/unused',
                                                *options]))


def test_no_validate_drops_the_validation_loop_and_nothing_else(train):
    with_val = _cfg(train)
    assert with_val.val_cfg is not None and with_val.val_dataloader is not None
    cfg = _cfg(train, '--no-validate')
    assert cfg.val_cfg is None and cfg.val_dataloader is None and cfg.val_evaluator is None
    assert cfg.test_dataloader == with_val.test_dataloader  # tools/test.py still tests
    assert cfg.train_cfg == with_val.train_cfg and cfg.model == with_val.model


def test_load_from_and_resume_together_are_refused(train):
    with pytest.raises(ValueError, match='--load-from'):
        _cfg(train, '--load-from', 'a.pth', '--resume', 'b.pth')
