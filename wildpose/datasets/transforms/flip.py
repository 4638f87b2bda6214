"""Random horizontal flip of the image and every label that lives in it."""
from __future__ import annotations

import numpy as np
from mmcv.transforms import BaseTransform

from ...registry import TRANSFORMS
from ...structures.skeleton import flip_indices


@TRANSFORMS.register_module()
class RandomFlip(BaseTransform):
    """Mirror the image left-right with probability ``prob`` (numpy's global RNG).

    x -> W - 1 - x for keypoints, bbox_center and bbox (image px); per-joint labels are
    permuted by ``skeleton.flip_indices()`` so that the left joint's values move to the
    right joint (depth keeps its sign); ``keypoints_3d`` gets X negated and is permuted
    (an exact mirror when the principal point is at the image's centre column).

    Required keys: img, keypoints, keypoints_visible, bbox_center; keypoints_depth,
        keypoints_3d and bbox are flipped when present
    Added keys: flip (bool), and the keys above modified
    """

    def __init__(self, prob: float = 0.5) -> None:
        if not 0 <= prob <= 1:
            raise ValueError(f'prob must be in [0, 1], got {prob}')
        self.prob = float(prob)

    def transform(self, results: dict) -> dict:
        do_flip = bool(np.random.rand() < self.prob)
        results['flip'] = do_flip
        if do_flip:
            flip_results(results)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(prob={self.prob})'


def flip_results(results: dict) -> dict:
    """Mirror ``results`` in place (deterministic; see :class:`RandomFlip`)."""
    if 'img' not in results:
        raise KeyError("RandomFlip needs 'img' (run LoadImage first)")
    img = results['img']
    width = img.shape[1]
    results['img'] = np.ascontiguousarray(img[:, ::-1])
    perm = flip_indices()
    if 'keypoints' in results:
        kpts = np.array(results['keypoints'], dtype=np.float32)
        if kpts.shape[0] != len(perm):
            raise ValueError(f"field 'keypoints' has {kpts.shape[0]} joints; the skeleton's "
                             f'flip needs {len(perm)}')
        kpts[:, 0] = width - 1 - kpts[:, 0]
        results['keypoints'] = kpts[perm]
    for key in ('keypoints_visible', 'keypoints_depth'):
        if key in results:
            results[key] = np.asarray(results[key])[perm].copy()
    if results.get('keypoints_3d') is not None:
        k3 = np.array(results['keypoints_3d'], dtype=np.float32)
        k3[:, 0] = -k3[:, 0]
        results['keypoints_3d'] = k3[perm]
    if 'bbox_center' in results:
        c = np.array(results['bbox_center'], dtype=np.float32)
        c[0] = width - 1 - c[0]
        results['bbox_center'] = c
    if 'bbox' in results:
        b = np.array(results['bbox'], dtype=np.float32)
        results['bbox'] = np.array([width - 1 - b[2], b[1], width - 1 - b[0], b[3]],
                                   dtype=np.float32)
    return results
