"""Photometric augmentation."""
from __future__ import annotations

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from ...registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomChannelGain(BaseTransform):
    """Multiply each colour channel by its own gain ~ U(low, high) (numpy's global RNG),
    clipped to [0, 255] and rounded to the nearest integer. Applied as a 256-entry lookup
    table per channel (the same values as multiplying every pixel, several times faster).

    Required keys: img (H, W, C) uint8
    Added keys: img (modified, uint8)
    """

    def __init__(self, low: float = 0.6, high: float = 1.4) -> None:
        if not 0 <= low <= high:
            raise ValueError(f'need 0 <= low <= high, got low={low}, high={high}')
        self.low, self.high = float(low), float(high)

    def transform(self, results: dict) -> dict:
        img = results['img']
        if img.dtype != np.uint8 or img.ndim not in (2, 3):
            raise TypeError(f'RandomChannelGain needs an (H, W[, C]) uint8 img, got '
                            f'{img.dtype} of shape {img.shape}')
        channels = img.shape[2] if img.ndim == 3 else 1
        gains = np.random.uniform(self.low, self.high, size=channels).astype(np.float32)
        levels = np.arange(256, dtype=np.float32)[:, None] * gains  # (256, C)
        table = np.clip(np.rint(levels), 0, 255).astype(np.uint8)
        out = cv2.LUT(img, table.reshape(256, 1, channels) if channels > 1 else table)
        results['img'] = out.reshape(img.shape)  # cv2 drops a single channel axis
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(low={self.low}, high={self.high})'
