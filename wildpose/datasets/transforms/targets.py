"""Training targets: Gaussian heatmaps and normalised depth, in heatmap px."""
from __future__ import annotations

from typing import Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from ...geometry.depth import normalise_depth
from ...geometry.heatmap import generate_gaussian_heatmaps
from ...registry import TRANSFORMS


@TRANSFORMS.register_module()
class GenerateTargets(BaseTransform):
    """Heatmaps for the 2D loss and the normalised depth for the depth loss.

    ``keypoints_hm = transformed_keypoints * (w_hm / w_in, h_hm / h_in)``;
    ``depth_target = normalise_depth(transformed_depth * w_hm / w_in, w_hm)``.

    Required keys: transformed_keypoints (J, 2) input px, keypoints_visible (J,),
        input_size (w, h), has_3d, transformed_depth (J,) input px (zeros if absent)
    Added keys: heatmaps (J, h, w) float32, heatmap_weights (J,), keypoints_hm (J, 2)
        heatmap px, depth_target (J,), depth_weights (J,) = visible and has_3d,
        heatmap_size (w, h)

    Args:
        heatmap_size: (w, h) of the heatmaps.
        sigma: Gaussian standard deviation, heatmap px.
    """

    def __init__(self, heatmap_size: Sequence[int], sigma: float = 2.0) -> None:
        if len(heatmap_size) != 2 or min(heatmap_size) <= 0:
            raise ValueError(f'heatmap_size must be (w, h) > 0, got {heatmap_size}')
        if sigma <= 0:
            raise ValueError(f'sigma must be > 0, got {sigma}')
        self.heatmap_size = (int(heatmap_size[0]), int(heatmap_size[1]))
        self.sigma = float(sigma)

    def transform(self, results: dict) -> dict:
        for key in ('transformed_keypoints', 'keypoints_visible', 'input_size'):
            if key not in results:
                raise KeyError(f"GenerateTargets needs '{key}' (run TopdownAffine first; "
                               f"sample img_path={results.get('img_path', '?')!r})")
        w_hm, h_hm = self.heatmap_size
        w_in, h_in = results['input_size']
        ratio = np.array([w_hm / w_in, h_hm / h_in], dtype=np.float32)
        kpts_hm = np.asarray(results['transformed_keypoints'], dtype=np.float32) * ratio
        visible = np.asarray(results['keypoints_visible'], dtype=np.float32).reshape(-1)
        heatmaps, weights = generate_gaussian_heatmaps(kpts_hm, visible, self.heatmap_size,
                                                       self.sigma)
        depth_in = np.asarray(results.get('transformed_depth', np.zeros(len(visible))),
                              dtype=np.float32)
        has_3d = bool(results.get('has_3d', False))
        results['heatmaps'] = heatmaps
        results['heatmap_weights'] = weights
        results['keypoints_hm'] = kpts_hm
        results['depth_target'] = normalise_depth(depth_in * ratio[0], w_hm).astype(np.float32)
        results['depth_weights'] = ((visible > 0) & has_3d).astype(np.float32)
        results['heatmap_size'] = self.heatmap_size
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(heatmap_size={self.heatmap_size}, '
                f'sigma={self.sigma})')
