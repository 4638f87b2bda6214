"""Configs by package name (``wildpose::weak3d/...``) from anywhere on disk."""
import os.path as osp

import pytest
from mmengine.config import Config

import wildpose  # noqa: F401  (enables the wildpose:: prefix)
from wildpose.engine.config_loader import load_config
from wildpose.utils.package_configs import package_config_dir, resolve_config_path

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _plain(d):
    """A config value without mmengine's ``_scope_`` markers (added to inherited
    package configs), as plain dicts and lists."""
    if isinstance(d, dict):
        return {k: _plain(v) for k, v in d.items() if k != '_scope_'}
    if isinstance(d, (list, tuple)):
        return type(d)(_plain(v) for v in d)
    return d


def test_the_shipped_configs_are_the_live_repository_files():
    # an editable install must see edits to configs/ at once: the folder is a link
    assert osp.realpath(package_config_dir()) == osp.realpath(osp.join(REPO, 'configs'))
    assert resolve_config_path('wildpose::weak3d/hg_mixed.py') == osp.join(
        package_config_dir(), 'weak3d', 'hg_mixed.py')
    assert resolve_config_path('configs/x.py') == 'configs/x.py'  # other paths unchanged


def test_a_config_outside_the_repository_inherits_by_package_name(tmp_path):
    own = tmp_path / 'elsewhere' / 'my_config.py'
    own.parent.mkdir()
    own.write_text("_base_ = ['wildpose::weak3d/hg_mixed_synth.py']\n"
                   "model = dict(head_depth=dict(num_stages=2))\n"
                   "train_cfg = dict(max_iters=7)\n")
    cfg = Config.fromfile(str(own))
    ref = Config.fromfile(osp.join(REPO, 'configs', 'weak3d', 'hg_mixed_synth.py'))
    assert cfg.model.head_depth.num_stages == 2 and cfg.train_cfg.max_iters == 7
    # everything not overridden is the shipped config's, _base_ chain included
    assert _plain(cfg.model.backbone.to_dict()) == ref.model.backbone.to_dict()
    assert _plain(cfg.train_dataloader.to_dict()) == ref.train_dataloader.to_dict()
    assert cfg.env_cfg.to_dict() == ref.env_cfg.to_dict()
    assert cfg.model._scope_ == 'wildpose'  # mmengine's marker of a package config


def test_the_tools_accept_a_package_config_as_their_argument():
    cfg = load_config('wildpose::weak3d/hg_mixed_synth.py', {'train_cfg.max_iters': 3})
    assert cfg.train_cfg.max_iters == 3
    assert cfg.work_dir == osp.join('work_dirs', 'hg_mixed_synth')


def test_unknown_package_configs_are_named_with_the_alternatives(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'wildpose::weak3d/hg_mixd\.py.*hg_mixed\.py'):
        resolve_config_path('wildpose::weak3d/hg_mixd.py')
    with pytest.raises(FileNotFoundError, match='leaves the wildpose configs folder'):
        resolve_config_path('wildpose::../setup.py')
    own = tmp_path / 'c.py'
    own.write_text("_base_ = ['wildpose::weak3d/nope.py']\n")
    with pytest.raises(FileNotFoundError, match='wildpose::weak3d/nope.py'):
        Config.fromfile(str(own))


def _leftover_deletes(value, where: str) -> list[str]:
    """Paths of ``_delete_`` markers that no inherited key consumed (mmengine keeps them,
    and the class they reach then fails on an unexpected argument)."""
    if isinstance(value, dict):
        found = [where] if '_delete_' in value else []
        return found + [p for k, v in value.items() for p in _leftover_deletes(v, f'{where}.{k}')]
    if isinstance(value, (list, tuple)):
        return [p for i, v in enumerate(value) for p in _leftover_deletes(v, f'{where}[{i}]')]
    return []


SHIPPED = sorted(osp.relpath(p, osp.join(REPO, 'configs'))
                 for p in __import__('glob').glob(osp.join(REPO, 'configs', 'weak3d', '*.py')))


@pytest.mark.parametrize('name', SHIPPED)
def test_every_shipped_config_loads_and_its_model_builds(name):
    from wildpose.registry import MODELS

    cfg = load_config(osp.join(REPO, 'configs', name))
    assert _leftover_deletes(cfg.to_dict(), name) == []
    model = MODELS.build(cfg.model)
    assert sum(p.numel() for p in model.parameters()) > 0
