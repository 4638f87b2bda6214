"""Frame sources: images, folders (a bad file reported, not fatal), videos, webcams."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from synthetic_scenes import FakeCapture, write_video
from wildpose.apis.sources import FALLBACK_FPS, VideoSource, open_source


def _img(value: int, h: int = 40, w: int = 30) -> np.ndarray:
    return np.full((h, w, 3), value, np.uint8)


def test_folder_sorted_with_a_bad_image_reported(tmp_path):
    cv2.imwrite(str(tmp_path / 'b.png'), _img(20))
    cv2.imwrite(str(tmp_path / 'a.png'), _img(10))
    (tmp_path / 'c.jpg').write_bytes(b'not a jpeg')
    (tmp_path / 'notes.txt').write_text('ignored')
    source = open_source(str(tmp_path))
    assert source.kind == 'images' and len(source) == 3 and not source.is_sequence
    frames = list(source)
    assert [f.path.rsplit('/', 1)[1] for f in frames] == ['a.png', 'b.png', 'c.jpg']
    assert frames[0].image[0, 0, 0] == 10 and frames[1].image[0, 0, 0] == 20
    assert frames[2].image is None and 'c.jpg' in frames[2].error
    assert [f.index for f in frames] == [0, 1, 2] and frames[0].time_s is None


def test_arrays_lists_and_errors(tmp_path):
    path = str(tmp_path / 'x.png')
    cv2.imwrite(path, _img(7))
    frames = list(open_source([path, _img(3), np.zeros((5, 5), np.uint8),
                               np.zeros((5, 5, 3), np.float32), str(tmp_path / 'gone.png')]))
    assert frames[0].image[0, 0, 0] == 7 and frames[1].source == '<array>'
    assert frames[2].image.shape == (5, 5, 3)  # grey -> 3 channels
    assert 'uint8' in frames[3].error and 'gone.png' in frames[4].error
    with pytest.raises(FileNotFoundError, match='missing.mp4'):
        open_source(str(tmp_path / 'missing.mp4'))
    empty = tmp_path / 'empty'
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match='no image'):
        open_source(str(empty))
    with pytest.raises(TypeError, match='camera index'):
        open_source(3.5)


def test_video_frames_times_and_count(tmp_path):
    path = str(tmp_path / 'v.mp4')
    write_video(path, [_img(10 * i, 48, 64) for i in range(6)], fps=12.5)
    source = open_source(path)
    assert source.kind == 'video' and source.is_sequence and len(source) == 6
    assert source.fps == pytest.approx(12.5)
    frames = list(source)
    assert [f.index for f in frames] == list(range(6))
    assert [f.time_s for f in frames] == pytest.approx([i / 12.5 for i in range(6)])
    assert abs(int(frames[3].image.mean()) - 30) <= 3  # lossy codec, right frame
    assert len(list(open_source(path, max_frames=2))) == 2
    (tmp_path / 'bad.mp4').write_bytes(b'nope')
    with pytest.raises(OSError, match='bad.mp4'):
        open_source(str(tmp_path / 'bad.mp4'))


def test_webcam_path_with_a_fake_capture():
    """No camera here: the webcam code path runs on a stand-in for cv2.VideoCapture."""
    captures = []

    def factory(index):
        assert index == 0
        captures.append(FakeCapture([_img(i) for i in range(5)], fps=0.0))
        return captures[-1]

    source = open_source(0, capture_factory=factory, max_frames=3)
    assert source.kind == 'webcam' and source.name == 'webcam:0' and len(source) == 3
    assert source.fps == FALLBACK_FPS  # the camera did not say
    frames = list(source)
    assert [f.image[0, 0, 0] for f in frames] == [0, 1, 2]
    times = [f.time_s for f in frames]
    assert times[0] >= 0 and all(b >= a for a, b in zip(times, times[1:]))
    assert len(captures) == 1 and captures[0].released  # opened once, released at the end
    unused = VideoSource(0, capture_factory=lambda i: captures.append(FakeCapture([])) or
                         captures[-1])
    unused.close()  # a source never iterated releases its capture
    assert captures[-1].released

    class Never:
        def isOpened(self):  # noqa: N802
            return False

    with pytest.raises(OSError, match='camera'):
        open_source(1, capture_factory=lambda i: Never())
