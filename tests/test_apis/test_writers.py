"""Records of a run: JSON (NaN as null, units stated) and NPZ (one row per person)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from wildpose.apis import FrameResult, PersonResult, PoseRecorder, load_intrinsics
from wildpose.apis.writers import VideoWriter
from wildpose.geometry.camera_space import Intrinsics


def _person(track_id, shift=0.0, failed=False):
    rel = np.arange(48, dtype=np.float64).reshape(16, 3) - 18.0
    root = np.full(3, np.nan) if failed else np.array([10.0, 20.0, 3000.0 + shift])
    return PersonResult(bbox=np.array([1, 2, 30, 40.0]) + shift, bbox_score=0.9,
                        keypoints=np.full((16, 2), 5.0 + shift), scores=np.full(16, 0.5),
                        keypoints_3d=rel, keypoints_3d_camera=rel + root, root_camera=root,
                        reprojection_px=float('nan') if failed else 1.5, track_id=track_id)


def _frames():
    cam = Intrinsics(500, 500, 160, 120)
    return [FrameResult(0, 'v.mp4', time_s=0.0, image_size=(320, 240), intrinsics=cam,
                        persons=[_person(0), _person(1, 50.0, failed=True)]),
            FrameResult(1, 'v.mp4', time_s=0.04, image_size=(320, 240), intrinsics=cam,
                        persons=[_person(0, 3.0)]),
            FrameResult(2, 'v.mp4', error='unreadable')]


def test_json_and_npz_hold_the_same_people(tmp_path):
    rec = PoseRecorder('v.mp4', 25.0)
    for f in _frames():
        rec.add(f)
    rec.write_json(str(tmp_path / 'r.json'))
    rec.write_npz(str(tmp_path / 'r.npz'))
    j = json.load(open(tmp_path / 'r.json'))
    assert j['fps'] == 25.0 and j['root_joint'] == 'pelvis' and len(j['frames']) == 3
    assert 'camera frame' in j['conventions']['keypoints_3d_camera']
    failed = j['frames'][0]['persons'][1]
    assert failed['root_camera'] == [None] * 3 and failed['reprojection_px'] is None
    assert j['frames'][2]['error'] == 'unreadable' and j['frames'][2]['persons'] == []
    a = np.load(tmp_path / 'r.npz')
    assert a['frame_index'].tolist() == [0, 0, 1] and a['track_id'].tolist() == [0, 1, 0]
    assert a['keypoints'].shape == (3, 16, 2) and a['keypoints_3d_camera'].shape == (3, 16, 3)
    np.testing.assert_allclose(a['root_camera'][2], [10, 20, 3003])
    assert np.isnan(a['root_camera'][1]).all()
    np.testing.assert_allclose(a['frame_intrinsics'][:2], [[500, 500, 160, 120]] * 2)
    assert np.isnan(a['frame_intrinsics'][2]).all()
    np.testing.assert_allclose(a['keypoints'][2], j['frames'][1]['persons'][0]['keypoints'])
    assert json.loads(str(a['meta']))['source'] == 'v.mp4'
    empty = PoseRecorder()
    empty.write_npz(str(tmp_path / 'e.npz'))
    assert np.load(tmp_path / 'e.npz')['keypoints'].shape == (0, 16, 2)


def test_video_writer_even_size_and_resizing(tmp_path):
    import cv2

    path = str(tmp_path / 'sub' / 'o.mp4')
    with VideoWriter(path, 10.0) as w:
        w.write(np.zeros((51, 81, 3), np.uint8))
        w.write(np.full((60, 90, 3), 200, np.uint8))  # another size: resized
    cap = cv2.VideoCapture(path)
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 2
    assert (cap.get(cv2.CAP_PROP_FRAME_WIDTH), cap.get(cv2.CAP_PROP_FRAME_HEIGHT)) == (80, 50)


def test_load_intrinsics_forms(tmp_path):
    want = Intrinsics(500, 510, 320, 240)
    assert load_intrinsics([500, 510, 320, 240]) == want
    assert load_intrinsics(dict(fx=500, fy=510, cx=320, cy=240)) == want
    assert load_intrinsics(dict(f=[500, 510], c=[320, 240])) == want
    assert load_intrinsics(None) is None and load_intrinsics(want) is want
    with pytest.raises(ValueError, match='4 numbers'):
        load_intrinsics([1, 2, 3])
    with pytest.raises(ValueError, match="'K' must be 3x3"):
        load_intrinsics(dict(K=[[1, 0], [0, 1]]))
    with pytest.raises(ValueError, match='fx'):
        load_intrinsics(dict(fx=-5, fy=1, cx=0, cy=0))
    with pytest.raises(FileNotFoundError, match='nocam.json'):
        load_intrinsics(str(tmp_path / 'nocam.json'))
    (tmp_path / 'list.json').write_text('[1, 2]')
    with pytest.raises(ValueError, match='list.json'):
        load_intrinsics(str(tmp_path / 'list.json'))
