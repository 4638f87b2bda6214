"""MPI-INF-3DHP from MMPose's annotation ``.npz`` (the Human3.6M layout) + cameras.

Image names follow MMPose's ``preprocess_mpi_inf_3dhp.py``::

    train: S1_Seq1_Cam0_000001.jpg      subject _ sequence _ camera _ frame
    test:  TS1_000001.jpg               test sequence _ frame

(any folder prefix is allowed). The camera file MMPose writes is keyed by
'S1_Seq1_Cam0' (train) and 'TS1' (test). The 17 joints are the official test-set
joints in the test set's order; :mod:`wildpose.datasets.joint_mappings` maps them onto
ours. The six test sequences come from three kinds of scene, reported separately by
the 3DPCK metric (``scene`` in each sample):

- TS1, TS2: studio with green screen (``'GS'``);
- TS3, TS4: studio without green screen (``'noGS'``);
- TS5, TS6: outdoors (``'Outdoor'``)

(the names of the official evaluation scripts).
"""
from __future__ import annotations

import os.path as osp
import re
from typing import Any, Hashable

from ..registry import DATASETS
from .loading_checks import AnnotationError
from .pose3d_npz_dataset import Pose3DNpzDataset

MPI_INF_3DHP_TEST_SCENES = {'TS1': 'GS', 'TS2': 'GS', 'TS3': 'noGS', 'TS4': 'noGS',
                            'TS5': 'Outdoor', 'TS6': 'Outdoor'}

_TRAIN = re.compile(r'^(?P<subject>S\d+)_(?P<seq>Seq\d+)_Cam(?P<camera>\d+)_(?P<frame>\d+)'
                    r'\.[A-Za-z]+$')
_TEST = re.compile(r'^(?P<subject>TS\d+)_(?P<frame>\d+)\.[A-Za-z]+$')


def parse_3dhp_imgname(name: str) -> dict[str, Any] | None:
    """Subject (S1..S8 or TS1..TS6), sequence, camera and frame, or None."""
    base = osp.basename(name)
    match = _TRAIN.match(base)
    if match is not None:
        return dict(subject=match['subject'], action='', camera=match['camera'],
                    frame=int(match['frame']),
                    sequence=(match['subject'], match['seq'], match['camera']),
                    seq=match['seq'])
    match = _TEST.match(base)
    if match is not None:
        return dict(subject=match['subject'], action='', camera='0',
                    frame=int(match['frame']), sequence=(match['subject'],), seq='')
    return None


@DATASETS.register_module()
class MpiInf3dhpDataset(Pose3DNpzDataset):
    """MPI-INF-3DHP crops with 2D joints (image px) and camera-frame 3D joints (mm).

    Test samples carry ``scene`` ('GS', 'noGS', 'Outdoor'; '' for training subjects),
    used by ``PCK3DMetric`` to report per scene type.
    See :class:`~wildpose.datasets.pose3d_npz_dataset.Pose3DNpzDataset` for the
    arguments; ``subjects`` selects e.g. ``['TS1', ..., 'TS6']``.
    """

    METAINFO = dict(Pose3DNpzDataset.METAINFO, dataset_name='mpi_inf_3dhp')
    joint_layout = 'mpi_inf_3dhp17'
    default_domain = 'mpi_inf_3dhp'

    def parse_imgname(self, name: str) -> dict[str, Any]:
        meta = parse_3dhp_imgname(name)
        if meta is None:
            raise AnnotationError(
                f"{self.ann_file}: field 'imgname' value {name!r} looks like neither "
                "'S1_Seq1_Cam0_000001.jpg' (train) nor 'TS1_000001.jpg' (test)")
        return meta

    def camera_key(self, meta: dict[str, Any]) -> Hashable:
        if meta['subject'].startswith('TS'):
            return meta['subject']
        return f"{meta['subject']}_{meta['seq']}_Cam{meta['camera']}"

    def extra_info(self, meta: dict[str, Any]) -> dict[str, Any]:
        return dict(scene=MPI_INF_3DHP_TEST_SCENES.get(meta['subject'], ''))
