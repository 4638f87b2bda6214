"""Root-relative depth labels in image px (see :mod:`wildpose.geometry.depth`)."""
from __future__ import annotations

import numpy as np
from mmcv.transforms import BaseTransform

from ...geometry.depth import root_relative_depth
from ...registry import TRANSFORMS
from ..sample_checks import SampleError
from ...structures.skeleton import BONES, ROOT


@TRANSFORMS.register_module()
class DepthFromPose3D(BaseTransform):
    """Depth of each joint relative to the root, in the 2D joints' image px.

    Required keys: keypoints (J, 2) image px, has_3d, keypoints_3d (J, 3) mm if has_3d,
        keypoints_visible (optional: only bones between labelled joints set the scale)
    Added keys: keypoints_depth (J,) float32 image px; zeros without 3D labels
    """

    def transform(self, results: dict) -> dict:
        where = f" (sample img_path={results.get('img_path', '?')!r})"
        if 'keypoints' not in results:
            raise KeyError("DepthFromPose3D needs 'keypoints'" + where)
        kpts = np.asarray(results['keypoints'], dtype=np.float32)
        num = kpts.shape[0]
        kpts3d = results.get('keypoints_3d')
        if not results.get('has_3d', False) or kpts3d is None:
            results['keypoints_depth'] = np.zeros(num, dtype=np.float32)
            return results
        kpts3d = np.asarray(kpts3d, dtype=np.float32)
        if kpts3d.shape != (num, 3):
            raise ValueError(f"field 'keypoints_3d' must be ({num}, 3) to match 'keypoints', "
                             f'got {kpts3d.shape}' + where)
        try:
            results['keypoints_depth'] = root_relative_depth(
                kpts, kpts3d, ROOT, BONES, results.get('keypoints_visible'))
        except ValueError as err:
            raise SampleError(f"fields 'keypoints'/'keypoints_3d': {err}" + where) from err
        return results
