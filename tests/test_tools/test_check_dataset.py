"""tools/misc/check_dataset.py: every bad sample reported (file, index, field, why)."""
from __future__ import annotations

import json
import os
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np

from wildpose.structures.skeleton import NUM_JOINTS

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(REPO, 'tools', 'misc', 'check_dataset.py')


def _write(tmp_path):
    """Lab people: 0 good, 1 every joint invisible, 2 empty box, 3 missing image."""
    rng = np.random.default_rng(0)
    anns, images = [], []
    for i in range(4):
        k2d = np.concatenate([rng.uniform(5, 55, (NUM_JOINTS, 2)), np.full((NUM_JOINTS, 1), 2)], 1)
        k3d = np.concatenate([rng.normal(0, 300, (NUM_JOINTS, 3)) + [0, 0, 4000],
                              np.ones((NUM_JOINTS, 1))], 1)
        if i == 1:
            k2d[:, 2] = 0
        bbox = [10, 10, 0, 30] if i == 2 else [2, 2, 56, 56]
        images.append(dict(id=i + 1, file_name=f'{i}.jpg', width=64, height=64))
        anns.append(dict(id=i + 1, image_id=i + 1, category_id=1, bbox=bbox, iscrowd=0,
                         keypoints=k2d.ravel().tolist(), keypoints_3d=k3d.ravel().tolist()))
        if i != 3:
            cv2.imwrite(str(tmp_path / f'{i}.jpg'), np.zeros((64, 64, 3), np.uint8))
    (tmp_path / 'lab.json').write_text(json.dumps(dict(
        images=images, annotations=anns, categories=[dict(id=1, name='person')])))
    pipeline = [dict(type='LoadImage'), dict(type='GetBBoxCenterScale'),
                dict(type='DepthFromPose3D'), dict(type='TopdownAffine', input_size=(32, 32)),
                dict(type='GenerateTarget', encoder=dict(
                    type='HeatmapDepthCodec', input_size=(32, 32), heatmap_size=(8, 8))),
                dict(type='PackPoseInputs')]
    dataset = dict(type='Coco3DDataset', ann_file='lab.json', data_root=str(tmp_path),
                   data_prefix=dict(img=str(tmp_path)), pipeline=pipeline)
    config = tmp_path / 'config.py'
    config.write_text(f'default_scope = "wildpose"\n'
                      f'train_dataloader = dict(dataset={dataset!r})\n')
    return str(config)


def _run(*args, cwd):
    return subprocess.run([sys.executable, TOOL, *args], cwd=cwd, capture_output=True,
                          text=True, env=dict(os.environ, OMP_NUM_THREADS='1'), timeout=300)


def test_every_bad_sample_is_reported_and_the_exit_status_says_so(tmp_path):
    config = _write(tmp_path)
    proc = _run(config, cwd=str(tmp_path))
    assert proc.returncode == 1, proc.stderr[-2000:]
    lines = [ln for ln in proc.stdout.strip().splitlines()
             if ln.startswith(('checked', str(tmp_path)))]   # xtcocotools prints too
    assert len(lines) == 4, proc.stdout
    assert lines[0].startswith(f'{tmp_path}/lab.json: index 1 (sample_idx=1, ')
    assert "field 'keypoints_visible/keypoints_3d': every joint is invisible" in lines[0]
    assert "index 2 " in lines[1] and "field 'bbox': is empty or negative" in lines[1]
    assert "index 3 " in lines[2] and "field 'img_path': FileNotFoundError" in lines[2]
    assert lines[3] == ('checked 4 samples in 1 dataset(s) of the train split: 3 bad '
                        '(keypoints_visible/keypoints_3d: 1, bbox: 1, img_path: 1)')
    assert '4/4' in proc.stderr   # the progress bar


def test_a_clean_split_exits_0_and_a_missing_split_is_one_line(tmp_path):
    config = osp.join(REPO, 'tests', 'data', 'configs', 'tiny_mixed_synth.py')
    proc = _run(config, '--split', 'val', cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().endswith('of the val split: 0 bad')
    bad_config = _write(tmp_path)
    proc = _run(bad_config, '--split', 'test', cwd=str(tmp_path))
    assert proc.returncode == 2 and "no 'test_dataloader.dataset' to check" in proc.stderr
