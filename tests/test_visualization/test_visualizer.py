"""PoseVisualizer is registered and draws a predicted sample."""
from __future__ import annotations

import numpy as np

from wildpose.registry import VISUALIZERS
from wildpose.structures import PoseDataSample
from wildpose.structures.skeleton import NUM_JOINTS


def test_registered_visualizer_draws_a_sample(tmp_path):
    vis = VISUALIZERS.build(dict(type='PoseVisualizer', name='wp_vis_test', min_height=128))
    rng = np.random.default_rng(0)
    ds = PoseDataSample(metainfo=dict(keypoints=rng.uniform(10, 50, (NUM_JOINTS, 2)),
                                      keypoints_visible=np.ones(NUM_JOINTS)))
    ds.pred_keypoints = rng.uniform(10, 50, (NUM_JOINTS, 2))
    ds.pred_scores = np.ones(NUM_JOINTS)
    ds.pred_keypoints_3d = rng.normal(size=(NUM_JOINTS, 3)) * 300
    image = np.zeros((64, 64, 3), np.uint8)
    out_file = str(tmp_path / 'v.png')
    drawn = vis.add_datasample('sample', image, ds, out_file=out_file)
    assert drawn.shape == (128, 256, 3) and drawn.std() > 5
    assert (tmp_path / 'v.png').stat().st_size > 0
    # ground-truth rings are white
    assert (drawn[:, :128] > 200).all(axis=-1).sum() > 20
