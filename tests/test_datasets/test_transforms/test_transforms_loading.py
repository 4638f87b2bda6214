import cv2
import numpy as np
import pytest

from wildpose.datasets.transforms import ImageLoadError, LoadImage


def test_loads_bgr_uint8(tmp_path):
    img = np.zeros((12, 20, 3), np.uint8)
    img[..., 2] = 200  # red in BGR
    path = tmp_path / 'x.png'
    cv2.imwrite(str(path), img)
    out = LoadImage()(dict(img_path=str(path)))
    assert out['img'].dtype == np.uint8 and out['img'].shape == (12, 20, 3)
    assert out['img'][0, 0].tolist() == [0, 0, 200]
    assert out['img_shape'] == (12, 20) and out['ori_shape'] == (12, 20)


def test_missing_file_names_the_path(tmp_path):
    path = str(tmp_path / 'nope.jpg')
    with pytest.raises(FileNotFoundError, match='img_path') as info:
        LoadImage()(dict(img_path=path))
    assert path in str(info.value)


@pytest.mark.parametrize('content', [b'', b'this is not a jpeg at all'])
def test_corrupt_file_names_the_path(tmp_path, content):
    path = tmp_path / 'bad.jpg'
    path.write_bytes(content)
    with pytest.raises(OSError, match='img_path') as info:
        LoadImage()(dict(img_path=str(path)))
    assert isinstance(info.value, ImageLoadError)
    assert str(path) in str(info.value)


def test_skip_mode_returns_none_and_counts(tmp_path, caplog):
    before = LoadImage.num_failed
    path = tmp_path / 'bad.png'
    path.write_bytes(b'garbage')
    t = LoadImage(on_error='skip')
    assert t(dict(img_path=str(path))) is None
    assert t(dict(img_path=str(tmp_path / 'missing.png'))) is None
    assert LoadImage.num_failed == before + 2


def test_bad_on_error_argument():
    with pytest.raises(ValueError, match='on_error'):
        LoadImage(on_error='ignore')
