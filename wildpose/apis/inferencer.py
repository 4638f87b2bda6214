"""``Pose3DInferencer``: people found, 2D and metric 3D in camera space, over time.

    from wildpose.apis import Pose3DInferencer

    inferencer = Pose3DInferencer('configs/weak3d/hg_mixed_synth.py', 'iter_2000.pth')
    for frame in inferencer('walk.mp4'):          # an image, list, folder, video or int
        for person in frame.persons:
            person.track_id, person.bbox          # box: x1 y1 x2 y2, image px
            person.keypoints, person.scores       # (16, 2) image px, (16,)
            person.keypoints_3d                   # (16, 3) root-relative, mm
            person.keypoints_3d_camera            # (16, 3) camera frame, mm

Per frame: the detector's boxes (score >= its threshold) -> ``inference_topdown`` (the
estimator's ``predict``, all boxes in one batch) -> for videos, box-IoU track ids and
One-Euro smoothing per track -> the camera-frame translation per person
(:func:`wildpose.geometry.camera_space.place_in_camera`).
"""
from __future__ import annotations

import copy
from typing import Any, Callable, Iterator

import numpy as np

from ..geometry.camera_space import DEFAULT_DIAGONAL_FOV_DEG, Intrinsics, place_in_camera
from .camera import load_intrinsics
from .detectors import PersonDetector
from .inference import inference_topdown, init_model
from .results import FrameResult, PersonResult
from .smoothing import TrackSmoother
from .sources import Frame, FrameSource, open_source
from .tracking import IoUTracker

#: Defaults of the inferencer; a config's ``inferencer = dict(...)`` overrides them (key
#: by key), and the constructor's arguments override both.
DEFAULT_INFERENCER_CFG: dict[str, Any] = dict(
    detector=dict(type='HOGPersonDetector'),
    tracker=dict(iou_thr=0.3, max_missed=5),
    # One-Euro filters per field: min_cutoff Hz, beta per (px / s) or per (mm / s)
    smoothing=dict(keypoints=dict(min_cutoff=1.0, beta=0.02, d_cutoff=1.0),
                   keypoints_3d=dict(min_cutoff=1.0, beta=0.002, d_cutoff=1.0)),
    camera=None,  # fx fy cx cy / dict / JSON path; None: a default field of view
    fov_deg=DEFAULT_DIAGONAL_FOV_DEG,  # diagonal field of view when the camera is unknown
)


def build_detector(detector: Any, score_thr: float | None = None) -> PersonDetector:
    """A detector from a config dict (``PERSON_DETECTORS``), or one given as an object;
    ``score_thr`` overrides its threshold."""
    from ..registry import PERSON_DETECTORS

    if isinstance(detector, PersonDetector):
        built = detector
    elif isinstance(detector, dict):
        built = PERSON_DETECTORS.build(dict(detector))
    else:
        raise TypeError('detector must be a config dict or a PersonDetector, got '
                        f'{type(detector).__name__}')
    if score_thr is not None:
        built.score_thr = float(score_thr)
    return built


class Pose3DInferencer:
    """2D and 3D poses of everyone in images, videos and webcam streams.

    Args:
        config: model config (path or Config). checkpoint: trained weights (.pth).
        device: e.g. ``'cpu'`` or ``'cuda:0'``.
        detector: a ``PERSON_DETECTORS`` config dict or a :class:`PersonDetector`.
        det_score_thr: overrides the detector's score threshold.
        camera: intrinsics (see :func:`wildpose.apis.camera.load_intrinsics`); None: a
            default diagonal field of view ``fov_deg`` per image size.
        smoothing: One-Euro arguments per field (``keypoints`` px, ``keypoints_3d`` mm).
        tracker: :class:`IoUTracker` arguments.
        cfg_options: overrides merged into the model config.
        fast: the model's inference speed-ups (see :func:`init_model`).

    Any of these left None comes from the config's ``inferencer`` dict, else from
    :data:`DEFAULT_INFERENCER_CFG`.
    """

    def __init__(self, config: Any, checkpoint: str | None = None, device: str = 'cpu',
                 detector: Any = None, det_score_thr: float | None = None, camera: Any = None,
                 fov_deg: float | None = None, smoothing: dict | None = None,
                 tracker: dict | None = None, cfg_options: dict | None = None,
                 fast: dict | None = None) -> None:
        self.model = init_model(config, checkpoint, device=device, cfg_options=cfg_options,
                                fast=fast)
        settings = copy.deepcopy(DEFAULT_INFERENCER_CFG)
        settings.update(copy.deepcopy(dict(self.model.cfg.get('inferencer') or {})))
        unknown = set(settings) - set(DEFAULT_INFERENCER_CFG)
        if unknown:
            raise KeyError(f'config {self.model.cfg.filename}: unknown inferencer keys '
                           f'{sorted(unknown)}; known: {sorted(DEFAULT_INFERENCER_CFG)}')
        given = dict(detector=detector, camera=camera, fov_deg=fov_deg, smoothing=smoothing,
                     tracker=tracker)
        settings.update({k: v for k, v in given.items() if v is not None})
        self.settings = settings
        self.detector = build_detector(settings['detector'], det_score_thr)
        self.camera = load_intrinsics(settings['camera'])
        self.fov_deg = float(settings['fov_deg'])
        TrackSmoother(settings['smoothing'])  # check the filters' arguments now
        IoUTracker(**settings['tracker'])

    def intrinsics_for(self, width: int, height: int) -> Intrinsics:
        """The given camera, else the default field of view for this image size."""
        return self.camera or Intrinsics.from_fov(width, height, self.fov_deg)

    def __call__(self, inputs: Any, smooth: bool | None = None, track: bool | None = None,
                 max_frames: int | None = None, keep_images: bool = False,
                 capture_factory: Callable[[Any], Any] | None = None
                 ) -> Iterator[FrameResult]:
        """Run on ``inputs`` (see :func:`wildpose.apis.sources.open_source`), one
        :class:`FrameResult` per frame, in order.

        Args:
            smooth: One-Euro smoothing over time; default on for videos and webcams, off
                for images.
            track: link people across frames by box IoU; default as ``smooth`` (smoothing
                needs it).
            max_frames: stop a video or webcam after this many frames.
            keep_images: keep each frame's image in ``FrameResult.image`` (for drawing).
            capture_factory: replaces ``cv2.VideoCapture`` (tests).
        """
        source = open_source(inputs, capture_factory, max_frames)
        yield from self.run(source, smooth=smooth, track=track, keep_images=keep_images)

    def run(self, source: FrameSource, smooth: bool | None = None, track: bool | None = None,
            keep_images: bool = False) -> Iterator[FrameResult]:
        """Like ``__call__`` on an opened :class:`FrameSource`."""
        smooth = source.is_sequence if smooth is None else bool(smooth)
        track = smooth or (source.is_sequence if track is None else bool(track))
        tracker = IoUTracker(**self.settings['tracker']) if track else None
        smoother = TrackSmoother(self.settings['smoothing']) if smooth else None
        fps = source.fps or 30.0
        for frame in source:
            result = self.process_frame(frame, tracker, smoother, fps)
            if keep_images:
                result.image = frame.image
            yield result

    def process_frame(self, frame: Frame, tracker: IoUTracker | None = None,
                      smoother: TrackSmoother | None = None, fps: float = 30.0
                      ) -> FrameResult:
        """Detect, estimate, track, smooth and place the people of one frame."""
        result = FrameResult(frame.index, frame.source, frame.path, frame.time_s,
                             error=frame.error)
        if frame.image is None:
            return result
        h, w = frame.image.shape[:2]
        result.image_size = (w, h)
        result.intrinsics = self.intrinsics_for(w, h)
        dets = self.detector(frame)
        ids: list[int | None] = [None] * len(dets)
        if tracker is not None:
            track_ids, ended = tracker.update(dets.boxes)
            ids = [int(i) for i in track_ids]
            if smoother is not None:
                smoother.drop(ended)
        samples = inference_topdown(self.model, frame.image, dets.boxes) if len(dets) else []
        stamp = frame.time_s if frame.time_s is not None else frame.index / fps
        for k, sample in enumerate(samples):
            kpts = np.asarray(sample.pred_keypoints, dtype=np.float64)
            scores = np.asarray(sample.pred_scores, dtype=np.float64)
            rel = np.asarray(sample.pred_keypoints_3d, dtype=np.float64)
            if smoother is not None:
                kpts = smoother.smooth(ids[k], 'keypoints', kpts, stamp)
                rel = smoother.smooth(ids[k], 'keypoints_3d', rel, stamp)
            weights = np.clip(scores, 0.0, None)
            placed = place_in_camera(rel, kpts, result.intrinsics,
                                     weights if weights.sum() > 0 else None)
            result.persons.append(PersonResult(
                bbox=dets.boxes[k].astype(np.float64), bbox_score=float(dets.scores[k]),
                keypoints=kpts, scores=scores, keypoints_3d=rel,
                keypoints_3d_camera=placed.keypoints_3d, root_camera=placed.translation,
                reprojection_px=placed.reprojection_px, track_id=ids[k]))
        return result
