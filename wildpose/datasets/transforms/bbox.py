"""Person box: from x1 y1 x2 y2 to centre / size, and its random scale / rotation."""
from __future__ import annotations

import numpy as np
from mmcv.transforms import BaseTransform

from ...registry import TRANSFORMS
from ..sample_checks import SampleError


def _where(results: dict) -> str:
    return f" (sample img_path={results.get('img_path', '?')!r})"


@TRANSFORMS.register_module()
class GetBBoxCenterScale(BaseTransform):
    """Box centre and padded size.

    Required keys: bbox (4,) x1 y1 x2 y2, image px
    Added keys: bbox_center (2,) image px, bbox_scale (2,) (w, h) image px, padded

    The aspect ratio is left as is; :class:`TopdownAffine` grows the box to the input's.

    Args:
        padding: factor applied to the box's width and height.
    """

    def __init__(self, padding: float = 1.25) -> None:
        if padding <= 0:
            raise ValueError(f'padding must be > 0, got {padding}')
        self.padding = float(padding)

    def transform(self, results: dict) -> dict:
        if 'bbox' not in results:
            raise KeyError("GetBBoxCenterScale needs 'bbox'" + _where(results))
        bbox = np.asarray(results['bbox'], dtype=np.float32).reshape(-1)
        if bbox.shape != (4,) or not np.all(np.isfinite(bbox)):
            raise SampleError(f"field 'bbox' must be 4 finite numbers x1 y1 x2 y2, got "
                              f'{bbox.tolist()}' + _where(results))
        x1, y1, x2, y2 = bbox
        if x2 <= x1 or y2 <= y1:
            raise SampleError(f"field 'bbox' is empty (x1 y1 x2 y2 = {bbox.tolist()})"
                              + _where(results))
        results['bbox_center'] = np.array([(x1 + x2) / 2, (y1 + y2) / 2], dtype=np.float32)
        results['bbox_scale'] = np.array([x2 - x1, y2 - y1], dtype=np.float32) * self.padding
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(padding={self.padding})'


@TRANSFORMS.register_module()
class RandomBBoxTransform(BaseTransform):
    """Random box scaling and rotation (augmentation), drawn from numpy's global RNG
    (seeded by mmengine per worker, so runs are reproducible).

    Required keys: bbox_scale
    Added keys: bbox_scale (modified), bbox_rotation (degrees)

    Args:
        scale_factor: the size is multiplied by ``2 ** clip(N(0, scale_factor), -0.5, 0.5)``.
        rotate_factor: rotation ``clip(N(0, rotate_factor), -2 rf, 2 rf)`` degrees...
        rotate_prob: ...applied with this probability (else 0).
    """

    def __init__(self, scale_factor: float = 0.25, rotate_factor: float = 30.0,
                 rotate_prob: float = 0.4) -> None:
        if scale_factor < 0 or rotate_factor < 0 or not 0 <= rotate_prob <= 1:
            raise ValueError('scale_factor and rotate_factor must be >= 0 and rotate_prob in '
                             f'[0, 1]; got {scale_factor}, {rotate_factor}, {rotate_prob}')
        self.scale_factor = float(scale_factor)
        self.rotate_factor = float(rotate_factor)
        self.rotate_prob = float(rotate_prob)

    def transform(self, results: dict) -> dict:
        if 'bbox_scale' not in results:
            raise KeyError("RandomBBoxTransform needs 'bbox_scale' (run GetBBoxCenterScale "
                           'first)' + _where(results))
        s = np.clip(np.random.normal(0.0, 1.0) * self.scale_factor, -0.5, 0.5)
        rot = 0.0
        if np.random.rand() < self.rotate_prob:
            rot = float(np.clip(np.random.normal(0.0, 1.0) * self.rotate_factor,
                                -2 * self.rotate_factor, 2 * self.rotate_factor))
        results['bbox_scale'] = (np.asarray(results['bbox_scale'], dtype=np.float32)
                                 * np.float32(2.0 ** s))
        results['bbox_rotation'] = rot
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(scale_factor={self.scale_factor}, '
                f'rotate_factor={self.rotate_factor}, rotate_prob={self.rotate_prob})')
