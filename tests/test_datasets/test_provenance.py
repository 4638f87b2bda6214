"""Converted annotation files carry a version and checksums; a stale or tampered file is
refused by the reader, naming it and the converter to re-run."""
import json

import cv2
import numpy as np
import pytest

from wildpose.datasets import MpiiDataset
from wildpose.datasets.loading_checks import AnnotationError
from wildpose.datasets.provenance import CONVERTER_VERSIONS, SUFFIX, write_provenance


def _entries():
    joints = np.random.default_rng(0).uniform(10, 50, (16, 2)).tolist()
    return [dict(image='a.jpg', center=[30.0, 30.0], scale=0.3, joints=joints,
                 joints_vis=[1] * 16)]


def _convert(tmp_path):
    (tmp_path / 'images').mkdir()
    cv2.imwrite(str(tmp_path / 'images' / 'a.jpg'), np.zeros((64, 64, 3), np.uint8))
    path = tmp_path / 'train.json'
    path.write_text(json.dumps(_entries()))
    write_provenance(str(path), 'mpii_mat_to_json', dict(mat='x.mat', val_images=[]))
    return path


def _read(tmp_path):
    return MpiiDataset(ann_file='train.json', data_root=str(tmp_path),
                       data_prefix=dict(img='images/'))


def test_a_converted_file_as_written_is_read(tmp_path):
    path = _convert(tmp_path)
    record = json.loads((tmp_path / ('train.json' + SUFFIX)).read_text())
    assert record['version'] == CONVERTER_VERSIONS['mpii_mat_to_json']
    assert len(record['sha256']) == 64 and len(record['params_sha256']) == 64
    assert len(_read(tmp_path)) == 1
    assert path.exists()


def test_a_tampered_file_is_refused(tmp_path):
    path = _convert(tmp_path)
    entries = _entries()
    entries[0]['joints'][0] = [0.0, 0.0]
    path.write_text(json.dumps(entries))
    with pytest.raises(AnnotationError, match=r'train.json: changed after conversion .*re-run '
                       r'tools/dataset_converters/mpii_mat_to_json.py'):
        _read(tmp_path)


def test_a_stale_file_is_refused(tmp_path):
    _convert(tmp_path)
    side = tmp_path / ('train.json' + SUFFIX)
    record = json.loads(side.read_text())
    record['version'] = 0
    side.write_text(json.dumps(record))
    with pytest.raises(AnnotationError, match=r'written by mpii_mat_to_json version 0, the '
                       r'current version is 1 \(stale\)'):
        _read(tmp_path)
    record['version'], record['params']['mat'] = 1, 'other.mat'   # parameters edited
    side.write_text(json.dumps(record))
    with pytest.raises(AnnotationError, match='changed after conversion'):
        _read(tmp_path)
