"""An mmengine Visualizer that draws wildpose samples (2D skeleton beside the 3D view)."""
from __future__ import annotations

from typing import Any

import numpy as np
from mmengine.visualization import Visualizer

from ..registry import VISUALIZERS
from .draw import render_side_by_side, save_rgb


def _np(x: Any) -> np.ndarray | None:
    if x is None:
        return None
    return x.detach().cpu().numpy() if hasattr(x, 'detach') else np.asarray(x)


@VISUALIZERS.register_module()
class PoseVisualizer(Visualizer):
    """Draws a predicted :class:`~wildpose.structures.PoseDataSample`.

    ``add_datasample`` renders the 2D prediction (left blue, right red) on the image
    beside the 3D prediction on fixed axes (``radius_mm``), optionally with the 2D
    ground truth as white rings, and sends it to the visualisation backends or to
    ``out_file``.
    """

    def __init__(self, name: str = 'visualizer', image: np.ndarray | None = None,
                 vis_backends: Any = None, save_dir: str | None = None,
                 radius_mm: float = 1000.0, score_thr: float = 0.0,
                 min_height: int = 256) -> None:
        super().__init__(name=name, image=image, vis_backends=vis_backends,
                         save_dir=save_dir)
        self.radius_mm = radius_mm
        self.score_thr = score_thr
        self.min_height = min_height

    def draw_pose(self, image: np.ndarray, data_sample: Any, draw_gt: bool = False
                  ) -> np.ndarray:
        """``image`` (H, W, 3) RGB uint8 -> RGB picture (see :func:`render_side_by_side`)."""
        gt = None
        if draw_gt and 'keypoints' in data_sample.metainfo:
            gt = np.asarray(data_sample.metainfo['keypoints'], dtype=np.float64).copy()
            vis = data_sample.metainfo.get('keypoints_visible')
            if vis is not None:
                gt[np.asarray(vis).reshape(-1) <= 0] = np.nan
        return render_side_by_side(
            np.ascontiguousarray(image[..., ::-1]), _np(data_sample.pred_keypoints),
            _np(data_sample.pred_keypoints_3d), _np(data_sample.get('pred_scores')),
            self.score_thr, self.min_height, self.radius_mm, gt)

    def add_datasample(self, name: str, image: np.ndarray, data_sample: Any = None,
                       draw_gt: bool = True, draw_pred: bool = True, show: bool = False,
                       wait_time: float = 0, out_file: str | None = None,
                       step: int = 0) -> np.ndarray:
        """Draw ``data_sample`` on ``image`` (RGB); save to ``out_file`` when given,
        else send to the backends. Returns the RGB picture."""
        if data_sample is None or not draw_pred:
            drawn = np.asarray(image)
        else:
            drawn = self.draw_pose(image, data_sample, draw_gt)
        self.set_image(drawn)
        if show:
            self.show(drawn, win_name=name, wait_time=wait_time)
        if out_file is not None:
            save_rgb(out_file, drawn)
        else:
            self.add_image(name, drawn, step)
        return drawn
