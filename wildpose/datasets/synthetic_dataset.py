"""The synthetic lab/wild benchmark as a dataset: generate once, then read as COCO JSON."""
from __future__ import annotations

import os.path as osp
from typing import Any, Sequence

from ..registry import DATASETS
from .coco3d_dataset import Coco3DDataset


@DATASETS.register_module()
class SyntheticPoseDataset(Coco3DDataset):
    """One split of the embedded synthetic benchmark.

    On construction the split is generated into ``data_root/<split>/`` unless a cache
    with the same manifest (generator version, seed, num_samples, image size) is there;
    then it is read by :class:`Coco3DDataset`.

    Args:
        data_root: cache folder holding one sub-folder per split.
        split: 'lab_train' (3D), 'wild_train' (2D only: its JSON has no 3D at all),
            'lab_test' or 'wild_test' (both with 3D, for evaluation).
        num_samples: number of images (one person each).
        seed: generator seed; each split derives its own streams from (seed, split).
        image_size: (w, h) of the images, px.
        progress: show a progress bar while generating.
        **kwargs: passed to :class:`Coco3DDataset` (``pipeline``, ``test_mode``, ...);
            ``ann_file``, ``data_prefix`` and ``domain`` are set here.
    """

    def __init__(self, data_root: str, split: str, num_samples: int, seed: int = 0,
                 image_size: Sequence[int] = (192, 192), progress: bool = True,
                 **kwargs: Any) -> None:
        from .synthetic.generate import check_split, ensure_split

        for key in ('ann_file', 'data_prefix', 'domain'):
            if key in kwargs:
                raise TypeError(f"SyntheticPoseDataset sets '{key}' itself; do not pass it")
        domain, _ = check_split(split)
        self.split = split
        split_dir = ensure_split(data_root, split, int(num_samples), int(seed),
                                 (int(image_size[0]), int(image_size[1])), progress)
        super().__init__(ann_file=osp.join(split_dir, 'annotations.json'), domain=domain,
                         data_root=osp.abspath(data_root),
                         data_prefix=dict(img=osp.join(split_dir, 'images')), **kwargs)
