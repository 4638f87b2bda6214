"""tools/dataset_converters: MPII .mat -> JSON and Human3.6M release -> npz + cameras."""
import json
import os
import os.path as osp
import pickle

import cv2
import numpy as np
import pytest
from repo_files import load_tool

from wildpose.datasets import Human36mDataset, MpiiDataset
from wildpose.geometry.camera import project_points



h36m = load_tool('dataset_converters/h36m_to_npz.py')
mpii = load_tool('dataset_converters/mpii_mat_to_json.py')

CAM_IDS = ['54138969', '55011271', '58860488', '60457274']


def _w0(seed=0):
    """A metadata parameter vector: 4 cameras x 11 subjects extrinsics + intrinsics."""
    rng = np.random.default_rng(seed)
    w0 = np.zeros(264 + 36)
    for c in range(4):
        for s in range(11):
            o = 6 * (c * 11 + s)
            w0[o:o + 3] = rng.uniform(-np.pi, np.pi, 3)
            w0[o + 3:o + 6] = rng.uniform(-3000, 3000, 3)
        w0[264 + 9 * c: 264 + 9 * (c + 1)] = [1145.0 + c, 1144.0, 512.0, 515.0 + c,
                                              -0.2, 0.24, -0.0015, -0.0009, -0.002]
    return w0


def test_camera_decoding():
    cams = h36m.cameras_from_w0(_w0(), CAM_IDS)
    assert len(cams) == 44 and ('S11', '60457274') in cams
    cam = cams[('S5', '55011271')]
    np.testing.assert_allclose(cam['R'] @ cam['R'].T, np.eye(3), atol=1e-12)
    assert np.linalg.det(cam['R']) == pytest.approx(1.0)
    o = 6 * (1 * 11 + 4)
    np.testing.assert_allclose(cam['T'].ravel(), _w0()[o + 3:o + 6] / 1000.0)  # mm -> m
    np.testing.assert_allclose(cam['f'].ravel(), [1146.0, 1144.0])
    np.testing.assert_allclose(cam['p'].ravel(), [-0.0009, -0.002])
    assert (cam['w'], cam['h']) == (1000, 1000)
    np.testing.assert_allclose(h36m.rotation_from_angles([0, 0, 0]), np.eye(3))
    with pytest.raises(ValueError, match='w0 has 10 numbers'):
        h36m.cameras_from_w0(np.zeros(10), CAM_IDS)


def test_metadata_xml(tmp_path):
    ids = ''.join(f'<id>{c}</id>' for c in CAM_IDS)
    w0 = ' '.join(f'{v:.6f}' for v in _w0())
    (tmp_path / 'metadata.xml').write_text(
        f'<root><dbcameras><index2id>{ids}</index2id></dbcameras><w0>[{w0}]</w0></root>')
    cam_ids, vec = h36m.parse_metadata(str(tmp_path / 'metadata.xml'))
    assert cam_ids == CAM_IDS
    np.testing.assert_allclose(vec, _w0(), atol=1e-6)
    (tmp_path / 'bad.xml').write_text('<root></root>')
    with pytest.raises(ValueError, match="bad.xml: no 'dbcameras/index2id' or 'w0'"):
        h36m.parse_metadata(str(tmp_path / 'bad.xml'))


def _sequence(cam, frames=12, seed=0):
    """(F, 64) 2D px and (F, 96) 3D mm poses consistent with ``cam``."""
    rng = np.random.default_rng(seed)
    pose3d = rng.normal(0, 300, (frames, 32, 3)) + [0, 0, 4500]
    pose2d = project_points(pose3d, cam['f'], cam['c'], cam['k'], cam['p'])
    return pose2d.reshape(frames, 64), pose3d.reshape(frames, 96)


def _video(path, frames=12):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'MJPG'), 50, (64, 48))
    for i in range(frames):
        writer.write(np.full((48, 64, 3), 20 * i, np.uint8))   # frame i has grey 20 i
    writer.release()


def test_sequence_conversion_frames_and_projection(tmp_path):
    cams = h36m.cameras_from_w0(_w0(), CAM_IDS)
    cam = cams[('S9', '54138969')]
    pose2d, pose3d = _sequence(cam)
    _video(tmp_path / 'seq.avi')
    out = tmp_path / 'out'
    arrays = h36m.convert_sequence(pose2d, pose3d, 'S9', 'Directions 1.54138969',
                                   str(tmp_path / 'seq.avi'), str(out / 'images'), 5)
    names = list(arrays['imgname'])
    assert names[1] == 'S9/S9_Directions_1.54138969/S9_Directions_1.54138969_000006.jpg'
    # the written frame k (1-based) is video frame k - 1
    for name, frame in zip(names, (0, 5, 10)):
        img = cv2.imread(str(out / 'images' / name))
        assert abs(float(img.mean()) - 20 * frame) < 4
    assert arrays['part'].shape == (3, 17, 3) and arrays['S'].shape == (3, 17, 4)
    np.testing.assert_allclose(arrays['S'][1, :, :3],
                               pose3d.reshape(12, 32, 3)[5, list(h36m.H36M_32_TO_17)] / 1000)
    # read back by the dataset: its projection check passes, the joints are the subset
    np.savez(out / 'ann.npz', **h36m.concat_arrays([arrays]))
    with open(out / 'cameras.pkl', 'wb') as f:
        pickle.dump(cams, f)
    ds = Human36mDataset(ann_file='ann.npz', camera_file='cameras.pkl', data_root=str(out),
                         data_prefix=dict(img='images/'))
    info = ds.get_data_info(2)
    assert (info['subject'], info['action'], info['frame']) == ('S9', 'Directions', 11)
    np.testing.assert_allclose(info['keypoints'][6], pose2d.reshape(12, 32, 2)[10, 0],
                               rtol=1e-5)   # pelvis
    # a video shorter than the poses drops the samples it lacks
    _video(tmp_path / 'short.avi', frames=7)
    short = h36m.convert_sequence(pose2d, pose3d, 'S9', 'Eating.54138969',
                                  str(tmp_path / 'short.avi'), str(out / 'images'), 5)
    assert len(short['imgname']) == 2
    with pytest.raises(ValueError, match='12 2D frames but 11 3D frames'):
        h36m.sequence_to_arrays(pose2d, pose3d[:11], 'S9', 'x.1')


def test_release_walk_writes_the_layout(tmp_path, monkeypatch):
    cams = h36m.cameras_from_w0(_w0(), CAM_IDS)
    poses = {}
    for subject, seqs in (('S1', ['Directions 1.54138969', '_ALL 1.54138969']),
                          ('S9', ['Walking.55011271'])):
        base = tmp_path / 'release' / subject
        for kind in ('D2_Positions', 'D3_Positions_mono'):
            (base / 'MyPoseFeatures' / kind).mkdir(parents=True)
        (base / 'Videos').mkdir()
        for seq in seqs:
            p2, p3 = _sequence(cams[(subject, seq.split('.')[1])], frames=10)
            for kind, arr in (('D2_Positions', p2), ('D3_Positions_mono', p3)):
                path = base / 'MyPoseFeatures' / kind / f'{seq}.cdf'
                path.write_bytes(b'')
                poses[str(path)] = arr
            _video(base / 'Videos' / f'{seq}.mp4', frames=10)
    monkeypatch.setattr(h36m, 'read_cdf_pose', lambda path: poses[path])
    counts = h36m.convert(str(tmp_path / 'release'), str(tmp_path / 'out'), None, 5,
                          ['S1', 'S9'])
    assert counts == {'train': 2, 'test': 2}                     # _ALL skipped
    train = np.load(tmp_path / 'out' / 'annotation_body3d' / 'fps10' / 'h36m_train.npz')
    assert all(n.startswith('S1/S1_Directions_1.54138969/') for n in train['imgname'])
    assert osp.isfile(tmp_path / 'out' / 'images' / train['imgname'][1])
    record = json.load(open(tmp_path / 'out' / 'annotation_body3d' / 'fps10' /
                            'h36m_train.npz.provenance.json'))   # version and checksums
    assert record['converter'] == 'h36m_to_npz' and record['params']['sample_rate'] == 5
    os.remove(tmp_path / 'release' / 'S9' / 'MyPoseFeatures' / 'D2_Positions' /
              'Walking.55011271.cdf')
    with pytest.raises(FileNotFoundError, match=r'D2_Positions/Walking\.55011271\.cdf'):
        h36m.convert(str(tmp_path / 'release'), str(tmp_path / 'out'), None, 5, ['S9'])


def test_cdf_reader_needs_cdflib(tmp_path):
    try:
        import cdflib  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match=r'x\.cdf needs cdflib'):
            h36m.read_cdf_pose(str(tmp_path / 'x.cdf'))
    else:
        pytest.skip('cdflib is installed: writing a CDF fixture is not covered here')


def _records():
    full = {j: (100.0 + j, 200.0 + 2 * j) for j in range(16)}
    partial = {j: (50.0 + j, 60.0) for j in (0, 1, 2, 3, 6, 9)}
    return [
        dict(image='000000001.jpg', is_train=True, people=[
            dict(scale=2.0, center=(150.0, 230.0), head_box=(10, 20, 40, 60), points=full),
            dict(scale=1.0, center=(70.0, 80.0), head_box=None, points=partial),
            dict(scale=None, center=(1.0, 1.0), head_box=None, points=full)]),  # no scale
        dict(image='000000002.jpg', is_train=True, people=[
            dict(scale=1.5, center=(90.0, 90.0), head_box=(0, 0, 3, 4), points=full)]),
        dict(image='000000003.jpg', is_train=False, people=[   # test image: no labels
            dict(scale=1.5, center=(90.0, 90.0), head_box=None, points={})]),
    ]


def test_mpii_records_to_json_and_back(tmp_path):
    train, val = mpii.records_to_entries(_records(), val_images={'000000002.jpg'})
    assert [e['image'] for e in train] == ['000000001.jpg', '000000001.jpg']
    assert [e['image'] for e in val] == ['000000002.jpg']
    second = train[1]
    assert second['joints_vis'] == [1, 1, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert second['joints'][4] == [-1.0, -1.0] and 'head_box' not in second
    (tmp_path / 'images').mkdir()
    for e in train:
        cv2.imwrite(str(tmp_path / 'images' / e['image']), np.zeros((8, 8, 3), np.uint8))
    (tmp_path / 'train.json').write_text(json.dumps(train))
    ds = MpiiDataset(ann_file='train.json', data_root=str(tmp_path),
                     data_prefix=dict(img='images/'))
    info = ds.get_data_info(0)
    np.testing.assert_allclose(info['keypoints'][3], [102.0, 205.0])   # 1-based -> 0-based
    assert info['keypoints_visible'].sum() == 16
    assert 'head_size' not in info   # not every entry has a head box
    (tmp_path / 'val.json').write_text(json.dumps(val))
    (tmp_path / 'images' / '000000002.jpg').write_bytes(b'')
    val_ds = MpiiDataset(ann_file='val.json', data_root=str(tmp_path),
                         data_prefix=dict(img='images/'))
    assert val_ds.get_data_info(0)['head_size'] == pytest.approx(3.0)   # 0.6 x 5


def test_mpii_mat_reader(tmp_path):
    with pytest.raises(FileNotFoundError, match='MPII annotation file not found'):
        mpii.load_release_mat(str(tmp_path / 'none.mat'))
    try:
        import scipy.io
    except ImportError:
        (tmp_path / 'r.mat').write_bytes(b'x')
        with pytest.raises(ImportError, match=r'r\.mat needs scipy'):
            mpii.load_release_mat(str(tmp_path / 'r.mat'))
        pytest.skip('scipy not installed: the .mat parsing is not exercised')
    points = np.empty(3, dtype=object)
    for k, (jid, x, y) in enumerate([(0, 10.0, 20.0), (9, 30.0, 5.0), (15, 1.0, 2.0)]):
        points[k] = dict(id=jid, x=x, y=y, is_visible=1)
    rects = np.empty(2, dtype=object)
    rects[0] = dict(x1=1.0, y1=2.0, x2=4.0, y2=6.0, scale=1.7,
                    objpos=dict(x=50.0, y=60.0), annopoints=dict(point=points))
    rects[1] = dict(x1=1.0, y1=2.0, x2=4.0, y2=6.0)       # no scale / joints: dropped
    annolist = np.empty(2, dtype=object)
    annolist[0] = dict(image=dict(name='000000001.jpg'), annorect=rects)
    annolist[1] = dict(image=dict(name='000000002.jpg'), annorect=np.zeros((0, 0)))
    scipy.io.savemat(str(tmp_path / 'r.mat'), dict(RELEASE=dict(
        annolist=annolist, img_train=np.array([1, 1]))))
    records = mpii.load_release_mat(str(tmp_path / 'r.mat'))
    train, _ = mpii.records_to_entries(records)
    assert len(train) == 1
    e = train[0]
    assert e['image'] == '000000001.jpg' and e['scale'] == pytest.approx(1.7)
    assert e['center'] == [50.0, 60.0] and e['head_box'] == [1.0, 2.0, 4.0, 6.0]
    assert e['joints'][9] == [30.0, 5.0] and e['joints_vis'][15] == 1
    assert sum(e['joints_vis']) == 3
