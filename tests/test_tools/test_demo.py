"""tools/demo.py end to end: a tiny checkpoint trained in the test, a synthetic image,
a PNG (2D skeleton beside the 3D view) and a JSON per image."""
from __future__ import annotations

import importlib.util
import json
import os
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np
import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(REPO, 'tests', 'data', 'configs', 'tiny_mixed_synth.py')


def _load_tool(name: str):
    spec = importlib.util.spec_from_file_location(f'_wp_tool_{name}',
                                                  osp.join(REPO, 'tools', f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def tiny_checkpoint(tmp_path_factory) -> str:
    """Train the tiny config for 2 iterations (about 10 s on 2 CPU cores)."""
    root = tmp_path_factory.mktemp('train')
    env = dict(os.environ, OMP_NUM_THREADS='1')
    proc = subprocess.run(
        [sys.executable, osp.join(REPO, 'tools', 'train.py'), CONFIG, '--work-dir', 'w',
         '--cfg-options', 'train_cfg.max_iters=2', 'default_hooks.checkpoint.interval=2'],
        cwd=str(root), env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return str(root / 'w' / 'iter_2.pth')


def _synthetic_person(h: int = 160, w: int = 120) -> np.ndarray:
    """A grey image with a stick figure on it (BGR uint8)."""
    img = np.full((h, w, 3), 90, np.uint8)
    cx = w // 2
    cv2.circle(img, (cx, 25), 10, (200, 180, 160), -1)
    for a, b in [((cx, 35), (cx, 90)), ((cx, 45), (cx - 25, 75)), ((cx, 45), (cx + 25, 75)),
                 ((cx, 90), (cx - 15, 145)), ((cx, 90), (cx + 15, 145))]:
        cv2.line(img, a, b, (60, 60, 200), 5)
    return img


def test_demo_writes_picture_and_joints(tiny_checkpoint, tmp_path):
    folder = tmp_path / 'images'
    folder.mkdir()
    cv2.imwrite(str(folder / 'person.png'), _synthetic_person())
    cv2.imwrite(str(folder / 'second.jpg'), _synthetic_person(100, 200))
    (folder / 'notes.txt').write_text('not an image')
    out = tmp_path / 'out'
    demo = _load_tool('demo')
    written = demo.main([str(folder), '--config', CONFIG, '--checkpoint', tiny_checkpoint,
                         '--out-dir', str(out), '--device', 'cpu'])
    assert sorted(osp.basename(p) for p in written) == ['person.png', 'second.png']

    png = cv2.imread(str(out / 'person.png'))
    # 160x120 upscaled to 256 px high (192 px wide) + a 256 px square 3D view
    assert png.shape == (256, 192 + 256, 3)
    assert png[:, :192].std() > 10 and png[:, 192:].std() > 10  # neither panel blank
    assert cv2.imread(str(out / 'second.png')).shape == (256, 512 + 256, 3)

    record = json.load(open(out / 'person.json'))
    assert record['image_size'] == [120, 160]
    assert len(record['joint_names']) == 16 and len(record['keypoints']) == 16
    assert len(record['scores']) == 16
    kp3d = np.array(record['keypoints_3d'])
    assert kp3d.shape == (16, 3) and np.allclose(kp3d[6], 0)  # root-relative, mm
    assert record['bbox'] == [0.0, 0.0, 120.0, 160.0]  # the whole image without --bbox


def test_demo_with_a_box_and_flip_test(tiny_checkpoint, tmp_path):
    path = tmp_path / 'p.png'
    cv2.imwrite(str(path), _synthetic_person())
    demo = _load_tool('demo')
    demo.main([str(path), '--config', CONFIG, '--checkpoint', tiny_checkpoint, '--out-dir',
               str(tmp_path / 'o'), '--bbox', '20', '10', '100', '150', '--flip-test'])
    record = json.load(open(tmp_path / 'o' / 'p.json'))
    assert record['bbox'] == [20.0, 10.0, 100.0, 150.0]
    with pytest.raises(FileNotFoundError, match='nothing_here'):
        demo.main([str(tmp_path / 'nothing_here'), '--config', CONFIG, '--checkpoint',
                   tiny_checkpoint, '--out-dir', str(tmp_path / 'o')])


def test_demo_folder_goes_on_after_a_bad_image_and_reports_each(tiny_checkpoint, tmp_path):
    """Before: the first unreadable image stopped the folder; the good ones after it were
    never written."""
    folder = tmp_path / 'images'
    folder.mkdir()
    cv2.imwrite(str(folder / 'a_good.png'), _synthetic_person())
    (folder / 'b_broken.jpg').write_bytes(b'not a jpeg')
    cv2.imwrite(str(folder / 'c_good.png'), _synthetic_person(100, 200))
    env = dict(os.environ, OMP_NUM_THREADS='1')
    proc = subprocess.run(
        [sys.executable, osp.join(REPO, 'tools', 'demo.py'), str(folder), '--config', CONFIG,
         '--checkpoint', tiny_checkpoint, '--out-dir', str(tmp_path / 'out'),
         '--bbox', '-900', '0', '100', '100'], env=env, capture_output=True, text=True)
    assert proc.returncode == 2
    assert 'b_broken.jpg: skipped' in proc.stderr
    assert 'demo.py: error: ValueError: 3 of 3 images failed' in proc.stderr
    proc = subprocess.run(
        [sys.executable, osp.join(REPO, 'tools', 'demo.py'), str(folder), '--config', CONFIG,
         '--checkpoint', tiny_checkpoint, '--out-dir', str(tmp_path / 'out')],
        env=env, capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if ': error: ' in ln]
    assert len(errors) == 1 and '1 of 3 images failed (the other 2 are written)' in errors[0]
    assert 'b_broken.jpg' in errors[0]
    assert sorted(os.listdir(tmp_path / 'out')) == ['a_good.json', 'a_good.png',
                                                   'c_good.json', 'c_good.png']
