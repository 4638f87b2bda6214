"""Samples that cannot produce a target: found at load time, skipped and counted, or refused
by a switch; one drawn at run time does not stop training."""
import json

import cv2
import numpy as np
import pytest

from wildpose.datasets import Coco3DDataset
from wildpose.datasets.sample_checks import SampleError, find_problems
from wildpose.structures.skeleton import NUM_JOINTS
from wildpose.utils import register_all_modules

PIPELINE = [dict(type='LoadImage'), dict(type='GetBBoxCenterScale'),
            dict(type='DepthFromPose3D'), dict(type='TopdownAffine', input_size=(32, 32)),
            dict(type='GenerateTarget', encoder=dict(
                type='HeatmapDepthCodec', input_size=(32, 32), heatmap_size=(8, 8))),
            dict(type='PackPoseInputs')]


def _write(tmp_path):
    """Five lab people (16 joints, 3D in mm): 0 and 4 good; 1 every joint invisible;
    2 an empty box; 3 a negative box."""
    rng = np.random.default_rng(0)
    anns = []
    for i in range(5):
        k2d = np.concatenate([rng.uniform(5, 55, (NUM_JOINTS, 2)), np.full((NUM_JOINTS, 1), 2)], 1)
        k3d = np.concatenate([rng.normal(0, 300, (NUM_JOINTS, 3)) + [0, 0, 4000],
                              np.ones((NUM_JOINTS, 1))], 1)
        bbox = [2, 2, 56, 56]
        if i == 1:
            k2d[:, 2] = 0
        elif i == 2:
            bbox = [10, 10, 0, 30]
        elif i == 3:
            bbox = [10, 10, -5, 30]
        anns.append(dict(id=i + 1, image_id=1, category_id=1, bbox=bbox, iscrowd=0,
                         keypoints=k2d.ravel().tolist(), keypoints_3d=k3d.ravel().tolist()))
    data = dict(images=[dict(id=1, file_name='a.jpg', width=64, height=64)],
                annotations=anns, categories=[dict(id=1, name='person')])
    (tmp_path / 'imgs').mkdir()
    cv2.imwrite(str(tmp_path / 'imgs' / 'a.jpg'), np.zeros((64, 64, 3), np.uint8))
    (tmp_path / 'lab.json').write_text(json.dumps(data))


def _dataset(tmp_path, **kwargs):
    register_all_modules()   # the pipeline's transforms are looked up in the wildpose scope
    return Coco3DDataset(ann_file='lab.json', data_root=str(tmp_path),
                         data_prefix=dict(img=str(tmp_path / 'imgs')), pipeline=PIPELINE,
                         **kwargs)


def test_bad_samples_are_found_and_skipped_at_load_time(tmp_path):
    _write(tmp_path)
    kept = _dataset(tmp_path)
    assert len(kept) == 2
    for i in range(2):
        info = kept.get_data_info(i)
        assert info['bbox'].tolist() == [2, 2, 58, 58] and info['keypoints_visible'].all()
    everything = _dataset(tmp_path, bad_sample='keep')
    problems = find_problems([everything.get_data_info(i) for i in range(len(everything))])
    assert [(i, field) for i, field, _ in problems] == [
        (1, 'keypoints_visible/keypoints_3d'), (2, 'bbox'), (3, 'bbox')]
    assert 'every joint is invisible' in problems[0][2]
    assert 'empty or negative' in problems[1][2]


def test_the_fail_switch_refuses_the_file_naming_sample_field_and_why(tmp_path):
    _write(tmp_path)
    with pytest.raises(SampleError, match=r"lab.json: 3 of 5 samples cannot produce a target, "
                       r"e.g. index 1 \(sample_idx=2, .*a.jpg\): field "
                       r"'keypoints_visible/keypoints_3d' every joint is invisible"):
        _dataset(tmp_path, bad_sample='fail')
    with pytest.raises(ValueError, match='bad_sample must be one of'):
        _dataset(tmp_path, bad_sample='ignore')


def test_a_bad_sample_drawn_while_training_is_skipped_not_fatal(tmp_path):
    """The original fault: the all-invisible lab sample stops training ('depth_scale ...
    sum 0.0') at the iteration that draws it. Kept in the list (as a check that runs
    only at run time would see it), it is now replaced by another sample and counted."""
    _write(tmp_path)
    ds = _dataset(tmp_path, bad_sample='keep')
    out = ds[1]
    assert out is not None and ds.skipped_at_run_time >= 1
    assert out['data_samples'].metainfo['sample_idx'] in (0, 4)  # a good one
    test = _dataset(tmp_path, bad_sample='keep', test_mode=True)
    with pytest.raises(SampleError, match='depth_scale'):
        test.pipeline(test.get_data_info(1))
