"""Random horizontal flip of the image and every label that lives in it."""
from __future__ import annotations

import numpy as np
from mmcv.transforms import BaseTransform

from ...registry import TRANSFORMS
from ...structures.skeleton import flip_indices as skeleton_flip_indices


@TRANSFORMS.register_module()
class RandomMirror(BaseTransform):
    """Mirror the image left-right with probability ``prob`` (numpy's global RNG).

    x -> W - 1 - x for keypoints, bbox_center and bbox (image px); per-joint labels are
    permuted by ``flip_indices`` so that the left joint's values move to the right joint
    (depth keeps its sign); ``keypoints_3d`` gets X negated and is permuted (an exact
    mirror when the principal point is at the image's centre column). The permutation
    travels with the sample (``flip_indices``, packed into the metainfo), so that the
    flip test uses the same one.

    Required keys: img, keypoints, keypoints_visible, bbox_center; keypoints_depth,
        keypoints_3d and bbox are flipped when present
    Added keys: flip (bool), flip_indices (J,), and the keys above modified

    Args:
        prob: probability of a flip.
        flip_indices: the joint permutation of a mirror image; default the 16-joint
            skeleton's (``skeleton.flip_indices()``).
    """

    def __init__(self, prob: float = 0.5, flip_indices: list[int] | None = None) -> None:
        if not 0 <= prob <= 1:
            raise ValueError(f'prob must be in [0, 1], got {prob}')
        self.prob = float(prob)
        perm = list(flip_indices) if flip_indices is not None else skeleton_flip_indices()
        if sorted(perm) != list(range(len(perm))):
            raise ValueError(f'flip_indices must be a permutation of 0..J-1, got {perm}')
        self.flip_indices = perm

    def transform(self, results: dict) -> dict:
        do_flip = bool(np.random.rand() < self.prob)
        results['flip'] = do_flip
        results['flip_indices'] = self.flip_indices
        if do_flip:
            mirror_results(results, self.flip_indices)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(prob={self.prob})'


def mirror_results(results: dict, perm: list[int] | None = None) -> None:
    """Mirror ``results`` in place (deterministic; see :class:`RandomMirror`); ``perm`` is
    the joint permutation (default the skeleton's)."""
    if 'img' not in results:
        raise KeyError("RandomMirror needs 'img' (run LoadImage first)")
    img = results['img']
    width = img.shape[1]
    results['img'] = np.ascontiguousarray(img[:, ::-1])
    perm = skeleton_flip_indices() if perm is None else list(perm)
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
