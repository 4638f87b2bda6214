"""Pictures and videos of rendered people with known boxes, poses and camera (tests)."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from wildpose.datasets.synthetic.camera import Camera, place_person, project
from wildpose.datasets.synthetic.domains import DOMAINS, sample_appearance
from wildpose.datasets.synthetic.poses import rot_y, sample_pose, sample_subject
from wildpose.datasets.synthetic.render import draw_person, lab_background


@dataclass
class Person:
    joints: np.ndarray  # (16, 3) camera frame, mm
    keypoints: np.ndarray  # (16, 2) image px
    box: np.ndarray  # (4,) x1 y1 x2 y2 image px, the joints' extent


def render_people(size: tuple[int, int], centres_px: list[tuple[float, float]],
                  distance_mm: float = 4000.0, focal: float = 500.0, seed: int = 0
                  ) -> tuple[np.ndarray, list[Person], Camera]:
    """Standing people whose x-y extents are centred on ``centres_px``: BGR image,
    people, camera."""
    w, h = size
    cam = Camera(focal, focal, (w - 1) / 2, (h - 1) / 2)
    img = lab_background((w, h))
    people = []
    for k, centre in enumerate(centres_px):
        rng_k = np.random.default_rng([seed, k])
        subject = sample_subject(rng_k)
        look = sample_appearance(DOMAINS['wild'], rng_k)
        standing = sample_pose(subject, rng_k, activity='standing')
        body = standing.rotated(rot_y(15.0 * k), np.zeros(3))
        posed = body.rotated(np.eye(3), place_person(body.joints, cam, distance_mm, centre))
        draw_person(img, posed, subject, look, cam)
        uv = project(posed.joints, cam)
        people.append(Person(posed.joints.copy(), uv, np.concatenate([uv.min(0), uv.max(0)])))
    return img, people, cam


def write_video(path: str, frames: list[np.ndarray], fps: float = 25.0) -> None:
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), fps, (w, h))
    assert writer.isOpened(), 'OpenCV cannot write mp4v here'
    for f in frames:
        writer.write(f)
    writer.release()


def walking_video(num_frames: int = 20, size: tuple[int, int] = (320, 240),
                  speed_px: float = 4.0) -> tuple[list[np.ndarray], list[list[Person]]]:
    """Two people crossing the image in opposite directions (``speed_px`` per frame)."""
    w, h = size
    frames, truth = [], []
    for i in range(num_frames):
        img, people, _ = render_people(size, [(70 + speed_px * i, h / 2),
                                              (w - 70 - speed_px * i, h / 2)],
                                       distance_mm=5000.0, focal=400.0, seed=3)
        frames.append(img)
        truth.append(people)
    return frames, truth


class FakeCapture:
    """Stands in for ``cv2.VideoCapture`` (a webcam): gives ``frames`` then stops."""

    def __init__(self, frames: list[np.ndarray], fps: float = 30.0) -> None:
        self.frames = list(frames)
        self.fps = fps
        self.released = False
        self.reads = 0

    def isOpened(self) -> bool:  # noqa: N802 (OpenCV's name)
        return True

    def get(self, prop: int) -> float:
        return self.fps if prop == cv2.CAP_PROP_FPS else 0.0

    def read(self) -> tuple[bool, np.ndarray | None]:
        if self.reads >= len(self.frames):
            return False, None
        self.reads += 1
        return True, self.frames[self.reads - 1].copy()

    def release(self) -> None:
        self.released = True
