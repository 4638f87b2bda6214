"""Save pictures of a few predicted samples during validation and testing."""
from __future__ import annotations

import os.path as osp
from typing import Any, Sequence

import cv2
import numpy as np
from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.logging import print_log

from ...registry import HOOKS
from ...utils.arrays import to_numpy


@HOOKS.register_module()
class PoseVisualizationHook(Hook):
    """Draws the first ``max_samples`` samples of each domain (the metainfo ``domain``:
    lab and wild of the synthetic benchmark, h36m, ...) in a validation or test run: the
    image with the predicted 2D skeleton beside the 3D view (see
    :func:`wildpose.visualization.render_side_by_side`), as PNG files
    ``NNN_<domain>_<image stem>.png``.

    Validation pictures go to ``<out_dir>/val_iter_<iteration>/`` every ``interval``-th
    validation; test pictures to ``<out_dir>/``. ``out_dir`` defaults to
    ``<work_dir>/vis``. In a distributed run only rank 0 draws (its share of the
    samples). Images are read from each sample's ``img_path``; a sample
    without a readable image is skipped (once logged).

    Args:
        interval: draw at every ``interval``-th validation run (tests always).
        max_samples: pictures per domain and run.
        out_dir: where the PNG files go.
        draw_gt: also draw the 2D ground truth (white rings).
        radius_mm: half-extent of the 3D axes in mm.
        score_thr: joints with a lower score are not drawn in 2D.
    """

    priority = 'LOW'

    def __init__(self, interval: int = 1, max_samples: int = 8, out_dir: str | None = None,
                 draw_gt: bool = True, radius_mm: float = 1000.0,
                 score_thr: float = 0.0) -> None:
        if interval < 1 or max_samples < 0:
            raise ValueError(f'interval must be >= 1 and max_samples >= 0, got {interval}, '
                             f'{max_samples}')
        self.interval = interval
        self.max_samples = max_samples
        self.out_dir = out_dir
        self.draw_gt = draw_gt
        self.radius_mm = radius_mm
        self.score_thr = score_thr
        self._val_runs = 0
        self._saved: dict[str, int] = {}  # pictures per domain in this run
        self._active = False
        self._folder = ''
        self._warned = False

    # -------------------------------------------------------------- run boundaries
    def _start(self, runner: Any, folder: str | None, active: bool) -> None:
        root = self.out_dir or osp.join(runner.work_dir, 'vis')
        self._folder = osp.join(root, folder) if folder else root
        self._saved = {}
        # in a distributed run each process sees part of the data: rank 0 draws its part
        self._active = active and self.max_samples > 0 and is_main_process()

    def before_val_epoch(self, runner: Any) -> None:
        self._val_runs += 1
        self._start(runner, f'val_iter_{runner.iter}',
                    (self._val_runs - 1) % self.interval == 0)

    def before_test_epoch(self, runner: Any) -> None:
        self._start(runner, None, True)

    def after_val_iter(self, runner: Any, batch_idx: int, data_batch: Any = None,
                       outputs: Sequence | None = None) -> None:
        self._draw(outputs or [])

    def after_test_iter(self, runner: Any, batch_idx: int, data_batch: Any = None,
                        outputs: Sequence | None = None) -> None:
        self._draw(outputs or [])

    # -------------------------------------------------------------- drawing
    def _draw(self, outputs: Sequence) -> None:
        if not self._active:
            return
        from ...visualization.draw import render_side_by_side, save_rgb

        for ds in outputs:
            domain = ds.metainfo.get('domain') or 'sample'
            if self._saved.get(domain, 0) >= self.max_samples:
                continue
            path = str(ds.metainfo.get('img_path', ''))
            img = cv2.imread(path, cv2.IMREAD_COLOR) if path else None
            if img is None:
                if not self._warned:
                    print_log(f"PoseVisualizationHook: cannot read image '{path}'; such "
                              'samples are not drawn', logger='current', level=30)
                    self._warned = True
                continue
            gt = None
            if self.draw_gt and 'keypoints' in ds.metainfo:
                gt = np.asarray(ds.metainfo['keypoints'], dtype=np.float64).copy()
                vis = ds.metainfo.get('keypoints_visible')
                if vis is not None:
                    gt[np.asarray(vis).reshape(-1) <= 0] = np.nan
            scores = ds.get('pred_scores')
            rgb = render_side_by_side(img, to_numpy(ds.pred_keypoints),
                                      to_numpy(ds.pred_keypoints_3d),
                                      None if scores is None else to_numpy(scores),
                                      self.score_thr, radius_mm=self.radius_mm,
                                      gt_keypoints=gt)
            # the running number keeps samples of two splits with the same index and
            # image name (lab/wild 000000.jpg) apart
            number = sum(self._saved.values())
            stem = osp.splitext(osp.basename(path))[0]
            save_rgb(osp.join(self._folder, f'{number:03d}_{domain}_{stem}.png'), rgb)
            self._saved[domain] = self._saved.get(domain, 0) + 1
