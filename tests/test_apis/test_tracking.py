"""Box-IoU tracking: ids follow boxes, new people get new ids, lost tracks end."""
from __future__ import annotations

import numpy as np
import pytest

from wildpose.apis.tracking import IoUTracker
from wildpose.geometry.boxes import box_iou, nms, xywh_to_xyxy


def test_box_maths():
    a = np.array([[0, 0, 10, 10]])
    b = np.array([[5, 0, 15, 10], [20, 20, 30, 30]])
    np.testing.assert_allclose(box_iou(a, b), [[50 / 150, 0.0]])
    np.testing.assert_allclose(xywh_to_xyxy([[1, 2, 3, 4]]), [[1, 2, 4, 6]])
    boxes = np.array([[0, 0, 10, 10], [1, 0, 11, 10], [20, 0, 30, 10]])
    assert nms(boxes, np.array([0.5, 0.9, 0.7]), 0.5).tolist() == [1, 2]


def test_ids_follow_moving_boxes_and_swap_order():
    tr = IoUTracker(iou_thr=0.3, max_missed=1)
    left, right = np.array([0, 0, 40, 80.0]), np.array([100, 0, 140, 80.0])
    ids, _ = tr.update(np.stack([left, right]))
    assert ids.tolist() == [0, 1]
    for step in range(1, 6):  # both move 4 px per frame; given in reverse order
        ids, ended = tr.update(np.stack([right + 4 * step, left + 4 * step]))
        assert ids.tolist() == [1, 0] and ended == []


def test_new_people_get_new_ids_and_lost_tracks_end():
    tr = IoUTracker(iou_thr=0.3, max_missed=1)
    a = np.array([[0, 0, 40, 80.0]])
    assert tr.update(a)[0].tolist() == [0]
    assert tr.update(np.zeros((0, 4)))[0].tolist() == []  # missed once: kept
    assert tr.update(a)[0].tolist() == [0]  # seen again: same id
    tr.update(np.zeros((0, 4)))
    ids, ended = tr.update(np.zeros((0, 4)))  # missed twice > max_missed
    assert ended == [0]
    assert tr.update(a)[0].tolist() == [1]  # ids are never reused
    # two boxes on one track: the better overlap wins, the other starts a track
    ids, _ = tr.update(np.array([[2, 0, 42, 80.0], [20, 0, 60, 80.0]]))
    assert ids.tolist() == [1, 2]
    with pytest.raises(ValueError, match='iou_thr'):
        IoUTracker(iou_thr=0)
