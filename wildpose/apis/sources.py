"""Where frames come from: an image, a list, a folder, a video file or a webcam.

:func:`open_source` turns what the user gives into a :class:`FrameSource`, an iterable of
:class:`Frame` (BGR uint8 images read with OpenCV). An image that cannot be read does not
stop the run: its frame carries ``error`` instead of ``image``.
"""
from __future__ import annotations

import os
import os.path as osp
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

import numpy as np

IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp')
VIDEO_EXTENSIONS = ('.mp4', '.avi', '.mov', '.mkv', '.webm', '.m4v', '.mpg', '.mpeg', '.wmv')
#: frame rate assumed when a video or camera does not say (frames per second)
FALLBACK_FPS = 30.0


@dataclass
class Frame:
    """One image to run on.

    Attributes:
        image: (H, W, 3) uint8 BGR, or None when it could not be read (see ``error``).
        index: position in the source (the frame number of a video, from 0).
        source: the input it comes from (a path, ``'webcam:0'``, ``'<array>'``).
        path: the image file (images only; None for video frames).
        time_s: the frame's time in seconds (videos: ``index / fps``; webcams: seconds
            since the first frame), None for still images.
        error: why the image could not be read, else None.
    """
    image: np.ndarray | None
    index: int
    source: str
    path: str | None = None
    time_s: float | None = None
    error: str | None = None


class FrameSource:
    """An iterable of :class:`Frame`.

    Attributes:
        kind: ``'images'``, ``'video'`` or ``'webcam'``.
        name: the input, for messages and outputs.
        fps: frames per second for videos and webcams, None for still images.
    """
    kind = 'images'

    def __init__(self, name: str, fps: float | None = None) -> None:
        self.name = name
        self.fps = fps

    def __len__(self) -> int:  # pragma: no cover - overridden
        raise NotImplementedError

    def __iter__(self) -> Iterator[Frame]:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def is_sequence(self) -> bool:
        """Frames are consecutive in time (tracking and smoothing apply)."""
        return self.kind in ('video', 'webcam')


def list_images(folder: str) -> list[str]:
    """The images of a folder, sorted by name (not recursive)."""
    images = sorted(osp.join(folder, f) for f in os.listdir(folder)
                    if f.lower().endswith(IMAGE_EXTENSIONS))
    if not images:
        raise FileNotFoundError(f'no image ({", ".join(IMAGE_EXTENSIONS)}) in {folder}')
    return images


def _check_array(img: np.ndarray, where: str) -> np.ndarray:
    if img.ndim == 2:
        img = np.repeat(img[..., None], 3, axis=2)
    if img.ndim != 3 or img.shape[2] != 3 or img.dtype != np.uint8 or 0 in img.shape:
        raise ValueError(f'{where}: an image array must be (H, W, 3) uint8 BGR, got shape '
                         f'{img.shape} {img.dtype}')
    return img


class ImageSource(FrameSource):
    """Still images: paths and/or (H, W, 3) uint8 BGR arrays, in the given order."""
    kind = 'images'

    def __init__(self, items: Sequence[str | np.ndarray], name: str) -> None:
        super().__init__(name)
        self.items = list(items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Frame]:
        from ..datasets.transforms.loading import LoadImage

        for index, item in enumerate(self.items):
            if isinstance(item, np.ndarray):
                try:
                    yield Frame(_check_array(item, f'array {index}'), index, '<array>')
                except ValueError as err:
                    yield Frame(None, index, '<array>', error=str(err))
                continue
            path = str(item)
            try:
                yield Frame(LoadImage.read(path), index, path, path=path)
            except OSError as err:  # missing, unreadable or corrupt: report, go on
                yield Frame(None, index, path, path=path, error=str(err))


class VideoSource(FrameSource):
    """Frames of a video file or a camera, read with OpenCV's ``VideoCapture``.

    Args:
        target: a video path, or a camera index.
        capture_factory: builds the capture from ``target`` (``cv2.VideoCapture`` by
            default; tests give a fake one). It needs ``isOpened()``, ``read()``,
            ``get(prop)`` and ``release()``.
        max_frames: stop after this many frames (a webcam runs until then, or until it
            stops giving frames).
    """

    def __init__(self, target: str | int, capture_factory: Callable[[Any], Any] | None = None,
                 max_frames: int | None = None) -> None:
        import cv2

        self.kind = 'webcam' if isinstance(target, int) else 'video'
        name = f'webcam:{target}' if isinstance(target, int) else str(target)
        self.target = target
        self._factory = capture_factory or cv2.VideoCapture
        self.max_frames = max_frames
        self._cap: Any = self._open()  # kept for the first pass (a camera opens slowly)
        fps = float(self._cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps_known = bool(np.isfinite(fps) and fps > 0)
        count = self._cap.get(cv2.CAP_PROP_FRAME_COUNT) if self.kind == 'video' else 0
        count = int(count) if count and np.isfinite(count) else 0
        self._count = count if count > 0 else None
        super().__init__(name, fps if self.fps_known else FALLBACK_FPS)

    def _open(self) -> Any:
        cap = self._factory(self.target)
        if cap is None or not cap.isOpened():
            what = 'camera' if self.kind == 'webcam' else 'video file'
            raise OSError(f"cannot open the {what} '{self.target}' with OpenCV")
        return cap

    def __len__(self) -> int:
        """Frames to expect (0 when unknown, as for a webcam without ``max_frames``)."""
        known = [n for n in (self._count, self.max_frames) if n is not None]
        return min(known) if known else 0

    def __iter__(self) -> Iterator[Frame]:
        cap, self._cap = (self._cap or self._open()), None
        start = time.monotonic()
        try:
            index = 0
            while self.max_frames is None or index < self.max_frames:
                ok, img = cap.read()
                if not ok or img is None:
                    break
                if self.kind == 'webcam':
                    stamp = time.monotonic() - start
                else:
                    stamp = index / self.fps
                yield Frame(_check_array(np.asarray(img), self.name), index, self.name,
                            time_s=stamp)
                index += 1
        finally:
            cap.release()

    def close(self) -> None:
        """Release the capture opened by the constructor if no pass used it."""
        if self._cap is not None:
            self._cap.release()
            self._cap = None


def open_source(inputs: Any, capture_factory: Callable[[Any], Any] | None = None,
                max_frames: int | None = None) -> FrameSource:
    """A :class:`FrameSource` for ``inputs``.

    Args:
        inputs: an image path; a folder (its images, sorted); a video path (by extension:
            ``VIDEO_EXTENSIONS``); a camera index (int); an (H, W, 3) uint8 BGR array; or
            a list of image paths and arrays.
        capture_factory: see :class:`VideoSource`.
        max_frames: for videos and cameras, stop after this many frames.

    Raises:
        FileNotFoundError: a path (or every path of a folder) that does not exist.
        OSError: a video or camera that OpenCV cannot open.
    """
    if isinstance(inputs, FrameSource):
        return inputs
    if isinstance(inputs, (int, np.integer)) and not isinstance(inputs, bool):
        return VideoSource(int(inputs), capture_factory, max_frames)
    if isinstance(inputs, np.ndarray):
        return ImageSource([inputs], '<array>')
    if isinstance(inputs, (list, tuple)):
        return ImageSource(list(inputs), f'{len(inputs)} inputs')
    if not isinstance(inputs, (str, os.PathLike)):
        raise TypeError(f'inputs must be a path, a list, an image array or a camera index, '
                        f'got {type(inputs).__name__}')
    path = os.fspath(inputs)
    if osp.isdir(path):
        return ImageSource(list_images(path), path)
    if not osp.exists(path):
        raise FileNotFoundError(f'input not found: {path}')
    if path.lower().endswith(VIDEO_EXTENSIONS):
        return VideoSource(path, capture_factory, max_frames)
    return ImageSource([path], path)
