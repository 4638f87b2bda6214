"""Pose3DInferencer: people found, camera-space 3D with a known answer, tracks and
smoothing on a synthetic video, a webcam stand-in, settings from the config."""
from __future__ import annotations

import os.path as osp

import numpy as np
import pytest
import torch

import truth_stub  # noqa: F401  (registers TruthStubEstimator)
from synthetic_scenes import FakeCapture, render_people, walking_video, write_video
from truth_stub import TruthStubEstimator
from wildpose.apis import Pose3DInferencer
from wildpose.apis.smoothing import OneEuroFilter
from wildpose.geometry.camera_space import Intrinsics
from wildpose.structures.skeleton import NUM_JOINTS, ROOT

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TINY = osp.join(REPO, 'tests', 'data', 'configs', 'tiny_mixed_synth.py')
STUB = osp.join(REPO, 'tests', 'data', 'configs', 'truth_stub.py')


@pytest.fixture(autouse=True)
def _quiet_stub():
    TruthStubEstimator.noise_px = TruthStubEstimator.noise_mm = 0.0
    TruthStubEstimator.rng = np.random.default_rng(0)
    yield


def test_two_people_found_and_placed_in_the_camera_frame_exactly():
    img, people, cam = render_people((480, 320), [(130, 160), (350, 160)], distance_mm=4000)
    TruthStubEstimator.truth = [(p.keypoints, p.joints) for p in people]
    camera = Intrinsics(cam.fx, cam.fy, cam.cx, cam.cy)
    inferencer = Pose3DInferencer(STUB, camera=[cam.fx, cam.fy, cam.cx, cam.cy])
    (frame,) = list(inferencer(img))
    assert frame.intrinsics == camera and frame.image_size == (480, 320)
    assert len(frame.persons) == 2 and all(p.track_id is None for p in frame.persons)
    for person in frame.persons:  # HOG boxes -> the right person -> its exact place
        truth = min(people, key=lambda p: np.abs(p.keypoints - person.keypoints).max())
        np.testing.assert_allclose(person.keypoints_3d_camera, truth.joints, atol=1e-2)
        np.testing.assert_allclose(person.root_camera, truth.joints[ROOT], atol=1e-2)
        assert person.reprojection_px < 1e-3
    # unknown camera: the default field of view, and the depth scales with the focal
    default = list(Pose3DInferencer(STUB)(img))[0]
    f = default.intrinsics.fx
    assert default.intrinsics.source == 'default_fov' and f == pytest.approx(
        np.hypot(480, 320))
    ratio = default.persons[0].root_camera[2] / frame.persons[0].root_camera[2]
    assert ratio == pytest.approx(f / cam.fx, rel=0.02)


def test_real_model_on_images_with_a_bad_file(tmp_path):
    import cv2

    img, _, _ = render_people((320, 240), [(90, 120), (230, 120)], distance_mm=5000,
                              focal=400)
    cv2.imwrite(str(tmp_path / 'a.png'), img)
    (tmp_path / 'b.png').write_bytes(b'broken')
    torch.manual_seed(0)
    inferencer = Pose3DInferencer(TINY)
    frames = list(inferencer(str(tmp_path)))
    assert frames[1].error and 'b.png' in frames[1].error and frames[1].persons == []
    persons = frames[0].persons
    assert len(persons) == 2
    for p in persons:
        assert p.keypoints.shape == (NUM_JOINTS, 2) and p.scores.shape == (NUM_JOINTS,)
        np.testing.assert_allclose(p.keypoints_3d[ROOT], 0, atol=1e-4)  # root-relative
        # the camera-frame skeleton is the root-relative one moved by root_camera, in front
        np.testing.assert_allclose(p.keypoints_3d_camera - p.root_camera, p.keypoints_3d,
                                   atol=1e-3)
        assert p.root_camera[2] > 0
    d = frames[0].to_dict()
    assert len(d['persons']) == 2 and len(d['persons'][0]['keypoints_3d_camera']) == 16


def _run_video(path, inferencer, truth, **kwargs):
    """Run frame by frame, giving the stub each frame's people before it is processed."""
    it = inferencer(path, **kwargs)
    frames = []
    for people in truth:
        TruthStubEstimator.truth = [(p.keypoints, p.joints) for p in people]
        frames.append(next(it))
    assert next(it, None) is None
    return frames


def test_video_tracks_and_smoothing_against_the_truth(tmp_path):
    fps, speed = 25.0, 3.0  # 3 px per frame: 75 px/s
    frames_bgr, truth = walking_video(24, speed_px=speed)
    path = str(tmp_path / 'walk.mp4')
    write_video(path, frames_bgr, fps)
    inferencer = Pose3DInferencer(STUB)
    TruthStubEstimator.noise_px, TruthStubEstimator.noise_mm = 3.0, 20.0
    smooth = _run_video(path, inferencer, truth)
    TruthStubEstimator.rng = np.random.default_rng(0)  # the same noise again
    raw = _run_video(path, inferencer, truth, smooth=False, track=True)

    # tracks: the person walking right keeps one id, the one walking left the other
    for frames in (smooth, raw):
        ids = {}
        for f, people in zip(frames, truth):
            assert f.time_s == pytest.approx(f.index / fps)
            for p in f.persons:
                k = int(np.argmin([np.abs(t.keypoints - p.keypoints).mean() for t in people]))
                ids.setdefault(k, set()).add(p.track_id)
        assert ids == {0: {0}, 1: {1}} or ids == {0: {1}, 1: {0}}, ids

    def series(frames, k, field):  # (T, J, D) of person k and the truth
        out, ref = [], []
        for f, people in zip(frames, truth):
            for p in f.persons:
                if np.abs(people[k].keypoints - p.keypoints).mean() < 15:
                    out.append(getattr(p, field))
                    ref.append(people[k].keypoints if field == 'keypoints' else
                               people[k].joints - people[k].joints[ROOT])
        return np.stack(out), np.stack(ref)

    filt = OneEuroFilter(**inferencer.settings['smoothing']['keypoints'])
    for k, direction in ((0, 1.0), (1, -1.0)):
        s, ref = series(smooth, k, 'keypoints')
        r, _ = series(raw, k, 'keypoints')
        settled = slice(8, None)
        err_s, err_r = s[settled] - ref[settled], r[settled] - ref[settled]
        # jitter: the spread of the error around its mean, at least 1.5x smaller
        assert err_s.std(axis=0).mean() < err_r.std(axis=0).mean() / 1.5
        # lag along the motion: within the filter's bound for this speed (+ noise margin)
        lag = -direction * err_s[..., 0].mean()
        assert lag <= filt.lag_bound(speed * fps) + 0.5
        # 3D (root-relative, still person): smoothed too, no offset
        s3, ref3 = series(smooth, k, 'keypoints_3d')
        r3, _ = series(raw, k, 'keypoints_3d')
        assert (s3 - ref3)[settled].std() < (r3 - ref3)[settled].std() / 1.5


def test_webcam_code_path_with_a_fake_capture():
    """No camera here: a stand-in capture gives three frames as a webcam would."""
    img, people, _ = render_people((320, 240), [(160, 120)], distance_mm=5000, focal=400)
    TruthStubEstimator.truth = [(p.keypoints, p.joints) for p in people]
    inferencer = Pose3DInferencer(STUB, detector=dict(type='WholeImage'))
    frames = list(inferencer(0, capture_factory=lambda i: FakeCapture([img] * 5),
                             max_frames=3))
    assert [f.index for f in frames] == [0, 1, 2] and frames[0].source == 'webcam:0'
    assert [p.track_id for f in frames for p in f.persons] == [0, 0, 0]  # tracked


def test_settings_from_config_and_arguments(tmp_path):
    inferencer = Pose3DInferencer(STUB, cfg_options=dict(
        inferencer=dict(detector=dict(type='WholeImage'), fov_deg=90.0)))
    assert type(inferencer.detector).__name__ == 'WholeImage'
    assert inferencer.intrinsics_for(200, 0 + 100).fx == pytest.approx(np.hypot(200, 100) / 2)
    explicit = Pose3DInferencer(STUB, detector=dict(type='HOGPersonDetector'),
                                det_score_thr=1.5, cfg_options=dict(
                                    inferencer=dict(detector=dict(type='WholeImage'))))
    assert explicit.detector.score_thr == 1.5
    with pytest.raises(KeyError, match='unknown inferencer keys'):
        Pose3DInferencer(STUB, cfg_options=dict(inferencer=dict(detectr=None)))
    with pytest.raises(ValueError, match='min_cutoff'):
        Pose3DInferencer(STUB, smoothing=dict(keypoints=dict(min_cutoff=-1)))
    cam = tmp_path / 'cam.json'
    cam.write_text('{"K": [[500, 0, 320], [0, 510, 240], [0, 0, 1]]}')
    assert Pose3DInferencer(STUB, camera=str(cam)).camera == Intrinsics(500, 510, 320, 240)
    cam.write_text('{"f": [500, 510]}')
    with pytest.raises(ValueError, match="cam.json.*'fx'"):
        Pose3DInferencer(STUB, camera=str(cam))
