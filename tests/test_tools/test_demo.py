"""tools/demo.py end to end: a tiny checkpoint trained in the test, a synthetic image,
a PNG (2D skeleton beside the 3D view) and a JSON per image."""
from __future__ import annotations

import json
import os
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np
import pytest
from repo_files import load_tool

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(REPO, 'tests', 'data', 'configs', 'tiny_mixed_synth.py')




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
    demo = load_tool('demo.py')
    outcome = demo.main([str(folder), '--config', CONFIG, '--checkpoint', tiny_checkpoint,
                         '--out-dir', str(out), '--device', 'cpu', '--detector', 'whole_image'])
    assert sorted(osp.basename(p) for p in outcome.written) == ['person.png', 'second.png']
    assert outcome.failures == []

    png = cv2.imread(str(out / 'person.png'))
    # 160x120 upscaled to 256 px high (192 px wide) + a 256 px square 3D view
    assert png.shape == (256, 192 + 256, 3)
    assert png[:, :192].std() > 10 and png[:, 192:].std() > 10  # neither panel blank
    assert cv2.imread(str(out / 'second.png')).shape == (256, 512 + 256, 3)

    record = json.load(open(out / 'person.json'))
    assert record['image_size'] == [120, 160] and record['error'] is None
    assert len(record['joint_names']) == 16 and 'mm' in record['conventions']['keypoints_3d']
    assert record['intrinsics']['source'] == 'default_fov'
    (person,) = record['persons']
    assert len(person['keypoints']) == 16 and len(person['scores']) == 16
    kp3d = np.array(person['keypoints_3d'])
    assert kp3d.shape == (16, 3) and np.allclose(kp3d[6], 0)  # root-relative, mm
    assert person['bbox'] == [0.0, 0.0, 120.0, 160.0]  # the whole image
    cam = np.array(person['keypoints_3d_camera'])
    assert np.allclose(cam - cam[6], kp3d, atol=2e-3) and cam[6, 2] > 0


def test_demo_with_a_box_flip_test_camera_and_bad_inputs(tiny_checkpoint, tmp_path):
    path = tmp_path / 'p.png'
    cv2.imwrite(str(path), _synthetic_person())
    (tmp_path / 'broken.png').write_bytes(b'not a png')
    demo = load_tool('demo.py')
    outcome = demo.main([str(tmp_path / 'nothing_here'), str(tmp_path / 'broken.png'),
                         str(path), '--config', CONFIG, '--checkpoint', tiny_checkpoint,
                         '--out-dir', str(tmp_path / 'o'), '--bbox', '20', '10', '100', '150',
                         '--flip-test', '--camera', '500', '500', '60', '80'])
    # one report per bad input; the good one still done
    assert [osp.basename(p) for p in outcome.written] == ['p.png']
    assert len(outcome.failures) == 2
    assert 'nothing_here' in outcome.failures[0][0] + outcome.failures[0][1]
    assert 'broken.png' in outcome.failures[1][1]
    record = json.load(open(tmp_path / 'o' / 'p.json'))
    assert record['persons'][0]['bbox'] == [20.0, 10.0, 100.0, 150.0]
    assert record['intrinsics'] == dict(fx=500.0, fy=500.0, cx=60.0, cy=80.0, source='given')
    with pytest.raises(SystemExit):  # argparse: nothing to run on
        demo.main(['--config', CONFIG, '--checkpoint', tiny_checkpoint, '--out-dir', 'x'])


def test_demo_fast_path_gives_the_same_joints_within_bfloat16(tiny_checkpoint, tmp_path):
    path = tmp_path / 'p.png'
    cv2.imwrite(str(path), _synthetic_person())
    demo = load_tool('demo.py')
    runs = {}
    for name, extra in (('plain', []), ('fast', ['--fast'])):
        demo.main([str(path), '--config', CONFIG, '--checkpoint', tiny_checkpoint,
                   '--out-dir', str(tmp_path / name), '--bbox', '20', '10', '100', '150',
                   *extra])
        runs[name] = json.load(open(tmp_path / name / 'p.json'))['persons'][0]
    plain, fast = (np.asarray(runs[n]['keypoints_3d']) for n in ('plain', 'fast'))
    # the same pose within bfloat16's precision (mm)
    assert np.abs(plain - fast).max() < 0.05 * np.abs(plain).max()


@pytest.mark.slow
def test_demo_on_a_video_and_a_fake_webcam(tiny_checkpoint, tmp_path, monkeypatch):
    sys.path.insert(0, osp.join(REPO, 'tests', 'test_apis'))
    from synthetic_scenes import FakeCapture, walking_video, write_video

    frames, _ = walking_video(6)
    video = str(tmp_path / 'walk.mp4')
    write_video(video, frames, 25.0)
    demo = load_tool('demo.py')
    out = tmp_path / 'out'
    outcome = demo.main([video, '--config', CONFIG, '--checkpoint', tiny_checkpoint,
                         '--out-dir', str(out), '--view-azim', '-30', '--view-elev', '40'])
    assert [osp.basename(p) for p in outcome.written] == ['walk.mp4'] and not outcome.failures
    cap = cv2.VideoCapture(str(out / 'walk.mp4'))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 6
    ok, first = cap.read()
    assert ok and first.shape[0] == 256 and first.shape[1] > 256  # 2D beside the 3D view
    record = json.load(open(out / 'walk.json'))
    assert record['fps'] == pytest.approx(25.0) and len(record['frames']) == 6
    ids = [[p['track_id'] for p in f['persons']] for f in record['frames']]
    assert all(sorted(i) == [0, 1] for i in ids), ids  # HOG finds both, tracked
    arrays = np.load(out / 'walk.npz')
    assert arrays['keypoints_3d_camera'].shape == (12, 16, 3)
    assert sorted(set(arrays['track_id'].tolist())) == [0, 1]
    assert np.allclose(arrays['keypoints'][0], record['frames'][0]['persons'][0]['keypoints'],
                       atol=1e-3)
    assert json.loads(str(arrays['meta']))['conventions'] == record['conventions']

    # the webcam path, on a stand-in for cv2.VideoCapture (no camera here)
    monkeypatch.setattr(cv2, 'VideoCapture', lambda index: FakeCapture(frames, fps=30.0))
    outcome = demo.main(['--webcam', '--config', CONFIG, '--checkpoint', tiny_checkpoint,
                         '--out-dir', str(out), '--max-frames', '3', '--detector',
                         'whole_image'])
    assert [osp.basename(p) for p in outcome.written] == ['webcam0.mp4']
    assert len(json.load(open(out / 'webcam0.json'))['frames']) == 3
