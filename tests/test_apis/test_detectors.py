"""Person detectors: HOG finds rendered people, COCO JSON boxes match frames, the
torchvision detector runs on a mocked torchvision (torchvision from PyPI does not import
beside this torch, so the real one is not exercised here)."""
from __future__ import annotations

import json
import sys
import types

import numpy as np
import pytest
import torch

from synthetic_scenes import render_people
from wildpose.apis import build_detector
from wildpose.apis.detectors import (CocoDetectionFile, FixedBoxes, HOGPersonDetector,
                                     TorchvisionPersonDetector, WholeImage)
from wildpose.apis.sources import Frame
from wildpose.geometry.boxes import box_iou


def _frame(img, index=0, path=None):
    return Frame(img, index, path or '<array>', path=path)


def test_hog_finds_each_rendered_person_and_nothing_on_a_blank_scene():
    img, people, _ = render_people((480, 320), [(130, 160), (350, 160)])
    dets = HOGPersonDetector()(_frame(img))
    assert len(dets) == 2 and np.all(dets.scores >= 0.3)
    truth = np.stack([p.box for p in people])
    iou = box_iou(truth, dets.boxes)
    assert np.all(iou.max(axis=1) > 0.5), iou  # each person has its box
    assert dets.boxes.dtype == np.float32 and np.all(np.diff(dets.scores) <= 0)
    blank, _, _ = render_people((480, 320), [])
    assert len(HOGPersonDetector()(_frame(blank))) == 0
    # a threshold above every score drops them all; max_persons keeps the best
    assert len(HOGPersonDetector(score_thr=50.0)(_frame(img))) == 0
    assert len(HOGPersonDetector(max_persons=1)(_frame(img))) == 1
    assert len(HOGPersonDetector()(_frame(np.zeros((60, 40, 3), np.uint8)))) == 0  # tiny


def test_whole_image_and_fixed_boxes_clip_and_check():
    img = np.zeros((50, 80, 3), np.uint8)
    assert WholeImage()(_frame(img)).boxes.tolist() == [[0, 0, 80, 50]]
    fixed = FixedBoxes([[-10, 5, 30, 60], [70, 0, 200, 20]])(_frame(img))
    assert fixed.boxes.tolist() == [[0, 5, 30, 50], [70, 0, 80, 20]]  # clipped to the image
    assert len(FixedBoxes([100, 100, 120, 120])(_frame(img))) == 0  # outside: dropped
    with pytest.raises(ValueError, match='x2 > x1'):
        FixedBoxes([10, 10, 5, 20])
    assert WholeImage()(Frame(None, 0, 'x', error='bad')).boxes.shape == (0, 4)


def _write(path, data):
    path.write_text(json.dumps(data))
    return str(path)


def test_coco_results_list_by_image_number_frame_index_and_images_table(tmp_path):
    img = np.zeros((100, 100, 3), np.uint8)
    dets = [dict(image_id=397133, category_id=1, bbox=[10, 20, 30, 40], score=0.9),
            dict(image_id=397133, category_id=1, bbox=[50, 5, 10, 10], score=0.2),
            dict(image_id=397133, category_id=3, bbox=[0, 0, 50, 50], score=0.99),  # a car
            dict(image_id=2, bbox=[1, 2, 30, 40], score=0.8)]
    det_file = _write(tmp_path / 'd.json', dets)
    det = build_detector(dict(type='CocoDetectionFile', det_file=det_file))
    coco_name = _frame(img, path='/x/000000397133.jpg')
    out = det(coco_name)
    assert out.boxes.tolist() == [[10, 20, 40, 60]] and out.scores.tolist() == [
        pytest.approx(0.9)]  # xywh -> xyxy, the 0.2 box below 0.3, the car ignored
    assert len(build_detector(det, score_thr=0.1)(coco_name)) == 2
    assert det(_frame(img, index=2)).boxes.tolist() == [[1, 2, 31, 42]]  # video frame 2
    assert len(det(_frame(img, path='/x/holiday.jpg'))) == 0  # matches no image id
    # the annotation file's images name the ids
    ann = _write(tmp_path / 'ann.json', dict(images=[dict(id=2, file_name='val/holiday.jpg')]))
    named = CocoDetectionFile(str(tmp_path / 'd.json'), ann_file=ann)
    assert named(_frame(img, path='/photos/holiday.jpg')).boxes.tolist() == [[1, 2, 31, 42]]


def test_coco_dict_layout_and_clear_errors(tmp_path):
    img = np.zeros((100, 100, 3), np.uint8)
    d = dict(images=[dict(id=7, file_name='a.png')],
             annotations=[dict(image_id=7, bbox=[0, 0, 20, 20])])  # no score: 1
    det = CocoDetectionFile(_write(tmp_path / 'gt.json', d))
    assert det(_frame(img, path='/any/a.png')).scores.tolist() == [1.0]
    for bad, message in [([dict(image_id=1)], "needs 'image_id' and 'bbox'"),
                         ([dict(image_id=1, bbox=[1, 2, 3])], "field 'bbox'"),
                         ([dict(image_id=1, bbox=[1, 2, 3, 4], score='high')], "'score'"),
                         (dict(images=[]), "'annotations'")]:
        with pytest.raises(ValueError, match=message) as err:
            CocoDetectionFile(_write(tmp_path / 'bad.json', bad))
        assert 'bad.json' in str(err.value)
    (tmp_path / 'broken.json').write_text('{')
    with pytest.raises(ValueError, match='broken.json'):
        CocoDetectionFile(str(tmp_path / 'broken.json'))
    with pytest.raises(FileNotFoundError, match='none.json'):
        CocoDetectionFile(str(tmp_path / 'none.json'))


class _FakeDetectionModel(torch.nn.Module):
    def __init__(self, **kwargs):
        super().__init__()
        self.kwargs = kwargs
        self.w = torch.nn.Parameter(torch.ones(1))

    def forward(self, images):
        assert images[0].shape[0] == 3 and float(images[0].max()) <= 1.0  # RGB in [0, 1]
        return [dict(boxes=torch.tensor([[1.0, 2, 30, 40], [5, 5, 50, 60], [0, 0, 9, 9]]),
                     labels=torch.tensor([1, 1, 2]), scores=torch.tensor([0.9, 0.4, 0.99]))]


def test_torchvision_detector_on_a_mocked_torchvision(tmp_path, monkeypatch):
    weights = str(tmp_path / 'frcnn.pth')
    torch.save(_FakeDetectionModel().state_dict(), weights)
    detection = types.SimpleNamespace(fasterrcnn_resnet50_fpn=_FakeDetectionModel)
    fake = types.ModuleType('torchvision')
    fake.models = types.ModuleType('torchvision.models')
    fake.models.detection = detection
    monkeypatch.setitem(sys.modules, 'torchvision', fake)
    monkeypatch.setitem(sys.modules, 'torchvision.models', fake.models)
    det = TorchvisionPersonDetector(weights)
    assert det.model.kwargs == dict(weights=None, weights_backbone=None)  # no download
    out = det(_frame(np.full((80, 80, 3), 255, np.uint8)))
    assert out.boxes.tolist() == [[1, 2, 30, 40]]  # persons only, score >= 0.5
    with pytest.raises(FileNotFoundError, match='never downloaded'):
        TorchvisionPersonDetector(str(tmp_path / 'missing.pth'))
    with pytest.raises(ValueError, match='no_such_arch'):
        TorchvisionPersonDetector(weights, arch='no_such_arch')


def test_registry_names_unknown_detectors():
    with pytest.raises(KeyError, match='HOGPersonDetector'):
        build_detector(dict(type='YoloV99'))
