"""PoseVisualizationHook (pictures of a few samples) and ProgressBarHook."""
from __future__ import annotations

import io
import os
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from wildpose.registry import HOOKS
from wildpose.structures import PoseSample
from wildpose.structures.skeleton import NUM_JOINTS


def _outputs(img_path: str, n: int, start: int = 0) -> list[PoseSample]:
    rng = np.random.default_rng(0)
    out = []
    for i in range(n):
        ds = PoseSample(metainfo=dict(img_path=img_path, sample_idx=start + i,
                                      keypoints=rng.uniform(5, 40, (NUM_JOINTS, 2)),
                                      keypoints_visible=np.ones(NUM_JOINTS)))
        ds.pred_keypoints = rng.uniform(5, 40, (NUM_JOINTS, 2))
        ds.pred_scores = np.ones(NUM_JOINTS)
        ds.pred_keypoints_3d = rng.normal(size=(NUM_JOINTS, 3)) * 300
        out.append(ds)
    return out


def test_visualization_hook_interval_and_max_samples(tmp_path):
    img_path = str(tmp_path / 'im.png')
    cv2.imwrite(img_path, np.full((48, 48, 3), 100, np.uint8))
    hook = HOOKS.build(dict(type='PoseVisualizationHook', interval=2, max_samples=3))
    runner = SimpleNamespace(work_dir=str(tmp_path), iter=10)
    for run in range(3):  # validations 1 and 3 are drawn, 2 is not
        runner.iter = 10 * (run + 1)
        hook.before_val_epoch(runner)
        hook.after_val_iter(runner, 0, None, _outputs(img_path, 2))
        hook.after_val_iter(runner, 1, None, _outputs(img_path, 2, start=2))
    vis = tmp_path / 'vis'
    assert sorted(os.listdir(vis)) == ['val_iter_10', 'val_iter_30']
    assert sorted(os.listdir(vis / 'val_iter_10')) == [
        '000_sample_im.png', '001_sample_im.png', '002_sample_im.png']
    picture = cv2.imread(str(vis / 'val_iter_10' / '000_sample_im.png'))
    assert picture.shape == (256, 512, 3) and picture.std() > 5
    # test runs draw into out_dir itself; unreadable images are skipped
    hook = HOOKS.build(dict(type='PoseVisualizationHook', out_dir=str(tmp_path / 'show')))
    hook.before_test_epoch(runner)
    hook.after_test_iter(runner, 0, None, _outputs(str(tmp_path / 'missing.png'), 1) +
                         _outputs(img_path, 1, start=7))
    assert os.listdir(tmp_path / 'show') == ['000_sample_im.png']
    with pytest.raises(ValueError, match='interval'):
        HOOKS.build(dict(type='PoseVisualizationHook', interval=0))


def test_visualization_hook_keeps_two_splits_with_the_same_image_names_apart(tmp_path):
    """lab_test/000000.jpg and wild_test/000000.jpg used to overwrite each other."""
    for split in ('lab', 'wild'):
        (tmp_path / split).mkdir()
        cv2.imwrite(str(tmp_path / split / '000000.jpg'), np.full((48, 48, 3), 90, np.uint8))
    hook = HOOKS.build(dict(type='PoseVisualizationHook', out_dir=str(tmp_path / 'show')))
    hook.before_test_epoch(SimpleNamespace(work_dir=str(tmp_path), iter=0))
    outputs = []
    for split in ('lab', 'wild'):
        ds = _outputs(str(tmp_path / split / '000000.jpg'), 1)[0]
        ds.set_metainfo(dict(domain=split))
        outputs.append(ds)
    hook.after_test_iter(None, 0, None, outputs)
    assert sorted(os.listdir(tmp_path / 'show')) == ['000_lab_000000.png',
                                                     '001_wild_000000.png']


def test_visualization_hook_draws_max_samples_of_every_domain(tmp_path):
    """A validation set of lab samples then wild ones: both domains get their pictures,
    not only the first max_samples samples (all lab)."""
    img_path = str(tmp_path / 'im.png')
    cv2.imwrite(img_path, np.full((48, 48, 3), 100, np.uint8))
    hook = HOOKS.build(dict(type='PoseVisualizationHook', max_samples=2))
    runner = SimpleNamespace(work_dir=str(tmp_path), iter=5)
    hook.before_val_epoch(runner)
    for batch, domain in enumerate(('lab', 'lab', 'wild', 'wild')):
        outputs = _outputs(img_path, 3, start=3 * batch)
        for ds in outputs:
            ds.set_metainfo(dict(domain=domain))
        hook.after_val_iter(runner, batch, None, outputs)
    assert sorted(os.listdir(tmp_path / 'vis' / 'val_iter_5')) == [
        '000_lab_im.png', '001_lab_im.png', '002_wild_im.png', '003_wild_im.png']


def test_progress_bar_hook_counts_batches():
    stream = io.StringIO()
    hook = HOOKS.build(dict(type='ProgressBarHook', file=stream))
    runner = SimpleNamespace(test_dataloader=[0, 1, 2])
    hook.before_test_epoch(runner)
    for i in range(3):
        hook.after_test_iter(runner, i)
    hook.after_test_epoch(runner)
    text = stream.getvalue()
    assert '3/3' in text and 'task/s' in text and text.endswith('\n')
