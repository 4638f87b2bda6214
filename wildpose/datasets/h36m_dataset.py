"""Human3.6M from MMPose's image-based annotation ``.npz`` and ``cameras.pkl``.

Image names follow MMPose's preprocessing (and ``tools/dataset_converters/h36m_to_npz.py``)::

    S1/S1_Directions_1.54138969/S1_Directions_1.54138969_000001.jpg
       subject _ action[_subaction] . camera id _ frame (1-based)

``action`` in each sample is the canonical action name used by the per-action tables
of the literature (15 names, subaction numbers dropped, S1's 'TakingPhoto' and
'WalkingDog' renamed 'Photo' and 'WalkDog'). The 17 joints map onto ours as
:mod:`wildpose.datasets.joint_mappings` documents (3D thorax at the shoulders'
midpoint by default).
"""
from __future__ import annotations

import os.path as osp
import re
from typing import Any

from ..registry import DATASETS
from .loading_checks import AnnotationError
from .pose3d_npz_dataset import Pose3DNpzDataset

H36M_TRAIN_SUBJECTS = ('S1', 'S5', 'S6', 'S7', 'S8')
H36M_TEST_SUBJECTS = ('S9', 'S11')

#: the 15 action names of the literature's per-action tables
H36M_ACTIONS = ('Directions', 'Discussion', 'Eating', 'Greeting', 'Phoning', 'Photo',
                'Posing', 'Purchases', 'Sitting', 'SittingDown', 'Smoking', 'Waiting',
                'WalkDog', 'Walking', 'WalkTogether')
#: names some subjects' files use for the same action
ACTION_ALIASES = {'TakingPhoto': 'Photo', 'WalkingDog': 'WalkDog'}

_NAME = re.compile(r'^(?P<subject>S\d+)_(?P<action>.+)\.(?P<camera>\d+)_(?P<frame>\d+)'
                   r'\.[A-Za-z]+$')


def canonical_action(raw: str) -> str:
    """'Directions_1' / 'Directions 1' / 'TakingPhoto' -> 'Directions' / 'Photo'."""
    name = re.sub(r'[ _]\d+$', '', raw.strip())
    return ACTION_ALIASES.get(name, name)


def parse_h36m_imgname(name: str) -> dict[str, Any] | None:
    """Subject, action, camera id, sequence and frame number from an image name, or
    None when the name does not follow the pattern."""
    match = _NAME.match(osp.basename(name))
    if match is None:
        return None
    raw = match['action']
    return dict(subject=match['subject'], action=canonical_action(raw), subaction=raw,
                camera=match['camera'], frame=int(match['frame']),
                sequence=(match['subject'], raw, match['camera']))


@DATASETS.register_module()
class Human36mDataset(Pose3DNpzDataset):
    """Human3.6M crops with 2D joints (image px) and camera-frame 3D joints (mm).

    The paper trains on S1 S5 S6 S7 S8 (every 5th frame) and tests on S9 S11 (every
    frame for the full test, every 200th for the original quick test): pass
    ``subjects`` and ``frame_interval``. ``camera_file`` is the ``cameras.pkl``
    keyed by ``(subject, camera_id)``. See :class:`Pose3DNpzDataset` for all arguments.

    Each sample also carries ``subject``, ``camera``, ``frame`` and, with
    ``camera_file`` and ``with_camera_param=True``, ``camera_param``.
    """

    METAINFO = dict(Pose3DNpzDataset.METAINFO, dataset_name='h36m')
    joint_layout = 'h36m17'
    default_domain = 'h36m'

    def parse_imgname(self, name: str) -> dict[str, Any]:
        meta = parse_h36m_imgname(name)
        if meta is None:
            raise AnnotationError(
                f"{self.ann_file}: field 'imgname' value {name!r} does not look like "
                "'S1/S1_Directions_1.54138969/S1_Directions_1.54138969_000001.jpg' "
                '(subject_action.camera_frame.ext)')
        return meta
