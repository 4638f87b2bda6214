"""The authors' hgreg-3d.pth layout, converted: wildpose's outputs equal theirs."""
from __future__ import annotations

import pytest
import torch
from repo_files import load_tool

from wildpose.apis import init_model
from wildpose.converters.hg3d_official import (Hg3dLayout, LayoutError, infer_layout,
                                               read_official, wildpose_name)
from wildpose.utils.torch_file import UnsafeFileError

CONFIG = 'wildpose::weak3d/hg_mixed_authors.py'


def _converter():
    return load_tool('model_converters/hg3d_official_to_wildpose.py')


def _save(original, net, path, fmt: str) -> str:
    if fmt == 'torch 0.3':
        original.save_like_torch_0_3(net, str(path))
    else:
        torch.save(net, path, _use_new_zipfile_serialization=(fmt == 'zip'))
    return str(path)


def _assert_same_outputs(net, converted: str, cfg_options: dict, batch: int = 2) -> None:
    torch.manual_seed(1)
    x = torch.rand(batch, 3, 256, 256)  # their input: BGR / 256
    with torch.no_grad():
        theirs = net(x)
        model = init_model(CONFIG, converted, cfg_options=cfg_options)
        heatmaps, depth = model(x, mode='tensor')  # after the data preprocessor
    assert len(heatmaps) == len(theirs) - 1
    for ours, ref in zip(heatmaps, theirs[:-1]):
        assert (ours - ref).abs().max().item() <= 1e-5
    assert (depth - theirs[-1]).abs().max().item() <= 1e-5
    assert theirs[-1].abs().max() > 0.1 and theirs[-2].std() > 0.01  # not trivially equal


@pytest.mark.parametrize('fmt', ['torch 0.3', 'legacy', 'zip'])
def test_converted_weights_reproduce_the_original_forward(original, tmp_path, fmt):
    net = original.random_network(n_stack=2, n_modules=2, n_feats=16, n_reg=2)
    src = _save(original, net, tmp_path / 'hgreg-3d.pth', fmt)
    meta = _converter().convert(src, str(tmp_path / 'converted.pth'), CONFIG)
    assert meta['layout'] == dict(num_stacks=2, num_modules=2, channels=16,
                                  num_reg_modules=2, depth=4, num_joints=16)
    assert meta['source_format'] == 'whole pickled module'
    _assert_same_outputs(net, str(tmp_path / 'converted.pth'), meta['cfg_options'])


def test_the_papers_layout_needs_no_config_change(original, tmp_path):
    net = original.random_network(n_stack=2, n_modules=2, n_feats=256, n_reg=2, seed=3)
    src = _save(original, net, tmp_path / 'hgreg-3d.pth', 'torch 0.3')
    meta = _converter().convert(src, str(tmp_path / 'converted.pth'), CONFIG)
    assert meta['cfg_options'] == {}  # hg_mixed_authors.py holds their network as it is
    _assert_same_outputs(net, str(tmp_path / 'converted.pth'), {}, batch=1)


def test_state_dict_checkpoints_of_the_same_network(original, tmp_path):
    net = original.random_network(n_stack=1, n_modules=1, n_feats=16, n_reg=1, seed=5)
    state = {f'module.{k}': v for k, v in net.state_dict().items()}  # DataParallel names
    torch.save({'epoch': 60, 'state_dict': state}, tmp_path / 'model_60.pth')
    meta = _converter().convert(str(tmp_path / 'model_60.pth'), str(tmp_path / 'c.pth'),
                                CONFIG)
    assert meta['source_format'] == 'state dict' and meta['layout']['num_stacks'] == 1
    _assert_same_outputs(net, str(tmp_path / 'c.pth'), meta['cfg_options'])


def test_the_master_branchs_resnet_checkpoints_do_not_fit(tmp_path):
    resnet = {'conv1.weight': torch.zeros(64, 3, 7, 7), 'layer1.0.conv1.weight':
              torch.zeros(64, 64, 1, 1), 'deconv_layers.0.weight': torch.zeros(2048, 256, 4, 4)}
    torch.save({'epoch': 140, 'state_dict': resnet}, tmp_path / 'fusion_3d_var.pth')
    with pytest.raises(LayoutError, match=r"fusion_3d_var\.pth: 3 tensors .*master branch"):
        _converter().convert(str(tmp_path / 'fusion_3d_var.pth'), str(tmp_path / 'o.pth'))


def test_layers_computing_something_else_are_named(original, tmp_path):
    net = original.random_network(n_stack=1, n_modules=1, n_feats=16, n_reg=1)
    net.hourglass[0].up2.mode = 'bilinear'
    net.r4.bn1.eps = 1e-3
    src = _save(original, net, tmp_path / 'other.pth', 'legacy')
    with pytest.raises(LayoutError, match=r"hourglass\.0\.up2: up-sampling mode 'bilinear'"):
        _converter().convert(src, str(tmp_path / 'o.pth'), CONFIG)
    try:
        _converter().convert(src, str(tmp_path / 'o.pth'), CONFIG)
    except LayoutError as err:
        assert 'r4.bn1.eps = 0.001 (wildpose: 1e-05)' in str(err)
    assert not (tmp_path / 'o.pth').exists()


class _Payload:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return open, (self.path, 'w')


@pytest.mark.parametrize('fmt', ['legacy', 'zip'])
def test_a_model_file_carrying_other_code_is_refused(original, tmp_path, fmt):
    net = original.random_network(n_stack=1, n_modules=1, n_feats=16, n_reg=1)
    marker = tmp_path / 'pwned'
    net.r1.note = _Payload(str(marker))  # hidden in a module's state
    src = _save(original, net, tmp_path / 'hgreg-3d.pth', fmt)
    with pytest.raises(UnsafeFileError, match=r"hgreg-3d\.pth: refusing to load.*open"):
        read_official(src)
    assert not marker.exists()


def test_every_name_of_the_layout_has_one_place():
    layout = Hg3dLayout(num_stacks=2, num_modules=2, channels=8, num_reg_modules=2, depth=4,
                        num_joints=16)
    assert wildpose_name('hourglass.1.low2.low2.low2.low2_.1.conv4.weight', layout) == \
        'backbone.hourglasses.1.low2.low2.low2.low2.1.skip.weight'
    assert wildpose_name('Residual.3.bn2.running_var', layout) == \
        'backbone.post.1.0.1.branch.6.running_var'
    assert wildpose_name('reg_.5.conv2.bias', layout) == 'head_depth.stages.4.1.branch.5.bias'
    assert wildpose_name('lin_.1.1.weight', layout) == 'backbone.post.1.2.weight'
    with pytest.raises(KeyError):
        wildpose_name('lin_.1.2.weight', layout)
    with pytest.raises(LayoutError, match='missing conv1_.weight'):
        infer_layout({'r5.conv3.weight': torch.zeros(1)})
