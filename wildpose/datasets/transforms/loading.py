"""Reading the image of a sample from disk."""
from __future__ import annotations

import os
from typing import ClassVar

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmengine.logging import print_log

from ...registry import TRANSFORMS


class ImageLoadError(OSError):
    """An image file exists but cannot be read or decoded."""


@TRANSFORMS.register_module()
class LoadImage(BaseTransform):
    """Read ``img_path`` as a BGR uint8 image.

    Required keys: img_path
    Added keys: img (H, W, 3) uint8 BGR, img_shape (H, W), ori_shape (H, W)

    Args:
        on_error: ``'raise'`` (default): a missing file raises ``FileNotFoundError`` and an
            unreadable or corrupt one :class:`ImageLoadError` (an ``OSError``), both naming
            the path. ``'skip'``: log a warning, count the failure in
            ``LoadImage.num_failed`` (class-wide) and return ``None``, so that mmengine's
            ``BaseDataset`` fetches another sample (training only; in test mode it raises).
    """

    #: images that could not be loaded in 'skip' mode, over all instances of this process
    num_failed: ClassVar[int] = 0

    def __init__(self, on_error: str = 'raise') -> None:
        if on_error not in ('raise', 'skip'):
            raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
        self.on_error = on_error

    @staticmethod
    def read(path: str) -> np.ndarray:
        """Read one image (BGR uint8, 3 channels) or raise an error naming ``path``."""
        if not os.path.isfile(path):
            raise FileNotFoundError(f"img_path '{path}': no such image file")
        try:
            buf = np.fromfile(path, dtype=np.uint8)
        except OSError as err:
            raise ImageLoadError(f"img_path '{path}': cannot read the file ({err})") from err
        img = cv2.imdecode(buf, cv2.IMREAD_COLOR) if buf.size else None
        if img is None:
            raise ImageLoadError(f"img_path '{path}': not a readable image "
                                 '(empty, corrupt or unknown format)')
        return img

    def transform(self, results: dict) -> dict | None:
        if 'img_path' not in results:
            raise KeyError("LoadImage needs 'img_path' in the sample")
        path = str(results['img_path'])
        try:
            img = self.read(path)
        except OSError as err:
            if self.on_error == 'raise':
                raise
            LoadImage.num_failed += 1
            print_log(f'LoadImage: skipping sample: {err}', logger='current',
                      level=30)  # logging.WARNING
            return None
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(on_error={self.on_error!r})'
