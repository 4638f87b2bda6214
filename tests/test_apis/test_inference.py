"""init_model / inference_topdown on the tiny test config (untrained weights)."""
from __future__ import annotations

import os.path as osp

import cv2
import numpy as np
import pytest
import torch

from wildpose.apis import inference_pipeline_config, inference_topdown, init_model, result_to_dict
from wildpose.engine.checkpoint import CheckpointError
from wildpose.structures.skeleton import NUM_JOINTS

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(REPO, 'tests', 'data', 'configs', 'tiny_mixed_synth.py')


@pytest.fixture(scope='module')
def model():
    torch.manual_seed(0)
    return init_model(CONFIG, device='cpu')


def test_pipeline_drops_image_loading(model):
    types = [t['type'] for t in inference_pipeline_config(model.cfg)]
    assert 'LoadImage' not in types and types[-1] == 'PackPoseInputs'


def test_prediction_shapes_units_and_box(model):
    img = np.random.default_rng(0).integers(0, 255, (90, 120, 3), dtype=np.uint8)
    res = inference_topdown(model, img, bbox=(30, 20, 70, 80))
    assert res.pred_keypoints.shape == (NUM_JOINTS, 2)
    assert res.pred_scores.shape == (NUM_JOINTS,)
    assert res.pred_keypoints_3d.shape == (NUM_JOINTS, 3)
    # joints land in the (padded, aspect-fixed) person box, in image px
    cx, cy = res.metainfo['bbox_center']
    half = np.asarray(res.metainfo['input_scale']) / 2
    assert np.all(np.abs(res.pred_keypoints - [cx, cy]) <= half + 1e-3)
    assert np.allclose(res.pred_keypoints_3d[6], 0)  # root-relative (pelvis)
    # whole image when no box
    whole = inference_topdown(model, img)
    assert np.allclose(whole.metainfo['bbox'], [0, 0, 120, 90])
    d = result_to_dict(res)
    assert len(d['keypoints']) == NUM_JOINTS and len(d['keypoints_3d'][0]) == 3
    # several boxes: one result each
    both = inference_topdown(model, img, bbox=np.array([[30, 20, 70, 80], [0, 0, 50, 50]]))
    assert len(both) == 2 and np.allclose(both[0].pred_keypoints, res.pred_keypoints)


def test_path_input_and_bad_inputs(model, tmp_path):
    img = np.random.default_rng(1).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    path = str(tmp_path / 'im.png')
    cv2.imwrite(path, img)
    a = inference_topdown(model, path)
    b = inference_topdown(model, img)
    assert np.allclose(a.pred_keypoints, b.pred_keypoints)
    with pytest.raises(ValueError, match='bbox'):
        inference_topdown(model, img, bbox=(10, 10, 5, 20))
    with pytest.raises(ValueError, match='uint8'):
        inference_topdown(model, img.astype(np.float32))
    with pytest.raises(FileNotFoundError, match='nope.png'):
        inference_topdown(model, str(tmp_path / 'nope.png'))


def test_checkpoint_round_trip_and_clear_errors(model, tmp_path):
    ckpt = str(tmp_path / 'tiny.pth')
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, ckpt)
    loaded = init_model(CONFIG, ckpt)
    img = np.random.default_rng(2).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    assert np.allclose(inference_topdown(model, img).pred_keypoints_3d,
                       inference_topdown(loaded, img).pred_keypoints_3d)
    bad = str(tmp_path / 'other.pth')
    torch.save({'state_dict': {'foo': torch.zeros(1)}}, bad)
    with pytest.raises(CheckpointError, match='other.pth'):
        init_model(CONFIG, bad)
    with pytest.raises(FileNotFoundError, match='no_config.py'):
        init_model(str(tmp_path / 'no_config.py'))


def test_result_carries_no_fake_ground_truth(model):
    res = inference_topdown(model, np.zeros((40, 30, 3), np.uint8))
    assert 'keypoints' not in res.metainfo and 'keypoints_3d' not in res.metainfo


@pytest.mark.parametrize('bbox, message', [
    ((200, 200, 300, 300), 'lies wholly outside the 120x90 image'),
    ((-500, -500, -10, 80), 'lies wholly outside'),
    ((0, 0, 1e9, 1e9), 'more than 4 times the 120x90 image'),
    ((-1000, 0, 100, 80), 'more than 4 times')])
def test_boxes_outside_the_image_or_absurdly_large_are_refused(model, bbox, message):
    """Before: accepted without a word, returning joints far outside the image."""
    img = np.zeros((90, 120, 3), np.uint8)
    with pytest.raises(ValueError, match=message):
        inference_topdown(model, img, bbox=bbox)


def test_a_box_mostly_outside_the_image_is_warned_about(model):
    img = np.zeros((90, 120, 3), np.uint8)
    with pytest.warns(UserWarning, match=r'only 25% of it lies inside the 120x90 image'):
        inference_topdown(model, img, bbox=(100, 70, 140, 110))
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        inference_topdown(model, img, bbox=(90, 10, 130, 50))   # 75% inside: no warning
