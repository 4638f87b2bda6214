"""Photometric augmentation."""
from __future__ import annotations

import numpy as np
from mmcv.transforms import BaseTransform

from ...registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomChannelGain(BaseTransform):
    """Multiply each colour channel by its own gain ~ U(low, high) (numpy's global RNG),
    clipped to [0, 255].

    Required keys: img (H, W, C) uint8
    Added keys: img (modified, uint8)
    """

    def __init__(self, low: float = 0.6, high: float = 1.4) -> None:
        if not 0 <= low <= high:
            raise ValueError(f'need 0 <= low <= high, got low={low}, high={high}')
        self.low, self.high = float(low), float(high)

    def transform(self, results: dict) -> dict:
        img = results['img']
        channels = img.shape[2] if img.ndim == 3 else 1
        gains = np.random.uniform(self.low, self.high, size=channels).astype(np.float32)
        out = img.astype(np.float32) * (gains if img.ndim == 3 else gains[0])
        results['img'] = np.clip(np.rint(out), 0, 255).astype(np.uint8)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(low={self.low}, high={self.high})'
