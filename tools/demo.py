"""2D and metric 3D poses of everyone in your images, videos or webcam.

    python tools/demo.py INPUT [INPUT ...] --config CONFIG --checkpoint CKPT --out-dir DIR
    python tools/demo.py --webcam [INDEX] --config CONFIG --checkpoint CKPT --out-dir DIR

An INPUT is an image, a folder of images or a video file. People are found by the
config's detector (OpenCV's HOG people detector unless the config says otherwise), or
``--detector``: ``hog``, ``whole_image``, ``json --det-file DETS.json`` (COCO-style
detections, as mmdet / MMPose write them), ``torchvision --det-weights W.pth``; or given
by hand with ``--bbox``. Outputs, in ``--out-dir``:

* an image: ``<name>.png`` (boxes and 2D skeletons beside a 3D view) and ``<name>.json``;
* a video or the webcam: ``<name>.mp4`` (the same pictures, frame by frame, people
  tracked and smoothed over time), ``<name>.json`` and ``<name>.npz`` (every person of
  every frame).

Units and axes are written into every JSON / NPZ (``conventions``); see
docs/inference.md. A bad input is reported and skipped; the command exits with status 1
if any input failed.
"""
from __future__ import annotations

import argparse
import json
import os
import os.path as osp
import sys
from dataclasses import dataclass, field

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))  # run from a checkout

DETECTORS = dict(hog='HOGPersonDetector', whole_image='WholeImage', json='CocoDetectionFile',
                 torchvision='TorchvisionPersonDetector')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from mmengine.config import DictAction

    p = argparse.ArgumentParser(description='2D + metric 3D poses of everyone in images, '
                                'videos or a webcam')
    p.add_argument('inputs', nargs='*', help='images, folders of images or video files')
    p.add_argument('--webcam', nargs='?', type=int, const=0, default=None, metavar='INDEX',
                   help='read the camera INDEX (default 0) instead of files')
    p.add_argument('--config', required=True, help='model config')
    p.add_argument('--checkpoint', required=True, help='trained checkpoint (.pth)')
    p.add_argument('--out-dir', required=True, help='where pictures, videos and records go')
    p.add_argument('--device', default='cpu', help="e.g. 'cpu' or 'cuda:0'")
    p.add_argument('--flip-test', action='store_true',
                   help='average with the mirrored crop (slower, usually better)')
    from wildpose.models.fast_inference import add_speed_arguments
    add_speed_arguments(p)
    det = p.add_argument_group('people')
    det.add_argument('--detector', choices=sorted(DETECTORS),
                     help="person detector (default: the config's, else hog)")
    det.add_argument('--bbox', nargs=4, type=float, metavar=('X1', 'Y1', 'X2', 'Y2'),
                     help='one person box in image px, the same for every frame')
    det.add_argument('--det-file', help='COCO-style detection JSON (with --detector json)')
    det.add_argument('--det-ann-file', help='COCO annotation file naming its image ids')
    det.add_argument('--det-weights', help='torchvision detector weights on disk')
    det.add_argument('--det-score-thr', type=float, help="drop boxes scoring below this "
                     "(the detector's unit; HOG: SVM margin, default 0.3)")
    cam = p.add_argument_group('camera')
    cam.add_argument('--camera', nargs=4, type=float, metavar=('FX', 'FY', 'CX', 'CY'),
                     help='intrinsics in px (default: a field of view from the image size)')
    cam.add_argument('--camera-file', help='JSON with fx fy cx cy, or K (3x3), or f and c')
    cam.add_argument('--fov', type=float, help='diagonal field of view (degrees) assumed '
                     'when the camera is unknown (default 53.13: f = image diagonal)')
    vid = p.add_argument_group('video')
    vid.add_argument('--smooth', action=argparse.BooleanOptionalAction, default=None,
                     help='One-Euro smoothing over time (default: on for videos and the '
                     'webcam, off for images)')
    vid.add_argument('--max-frames', type=int, help='stop a video or the webcam after N')
    vid.add_argument('--show', action='store_true', help='show the webcam pictures in a '
                     'window (q quits)')
    view = p.add_argument_group('pictures')
    view.add_argument('--view-elev', type=float, default=12.0, help='3D view elevation, deg')
    view.add_argument('--view-azim', type=float, default=-70.0, help='3D view azimuth, deg')
    view.add_argument('--view-space', choices=('camera', 'root'), default='camera',
                      help='3D view: everyone in the camera frame, or root-relative')
    view.add_argument('--radius-mm', type=float, default=1000.0,
                      help='least half-width of the 3D axes (default 1000)')
    view.add_argument('--min-height', type=int, default=256,
                      help='small images are upscaled to this height in the pictures')
    p.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    args = p.parse_args(argv)
    if not args.inputs and args.webcam is None:
        p.error('give at least one input, or --webcam')
    return args


def detector_config(args: argparse.Namespace) -> dict | None:
    """The detector the command line asks for (None: the config's)."""
    if args.bbox is not None:
        return dict(type='FixedBoxes', boxes=args.bbox)
    if args.detector is None:
        if args.det_file or args.det_weights:
            raise ValueError('--det-file needs --detector json; --det-weights needs '
                             '--detector torchvision')
        return None
    cfg: dict = dict(type=DETECTORS[args.detector])
    if args.detector == 'json':
        if not args.det_file:
            raise ValueError('--detector json needs --det-file DETECTIONS.json')
        cfg.update(det_file=args.det_file, ann_file=args.det_ann_file)
    if args.detector == 'torchvision':
        if not args.det_weights:
            raise ValueError('--detector torchvision needs --det-weights (never downloaded)')
        cfg.update(weights=args.det_weights, device=args.device)
    return cfg


@dataclass
class DemoOutcome:
    """What a run wrote, and what failed (input or frame, and why)."""
    written: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)


def _name(path: str, used: set[str]) -> str:
    name = osp.splitext(osp.basename(osp.normpath(path)))[0] or 'input'
    if name in used:  # a.jpg and a.png in one folder
        name = osp.basename(path).replace('.', '_')
    while name in used:
        name += '_'
    used.add(name)
    return name


def _progress(name: str, total: int):
    from mmengine.utils import ProgressBar
    print(f'{name}:', file=sys.stderr)
    return ProgressBar(total, file=sys.stderr)


def run_images(inferencer, source, args, view, outcome: DemoOutcome, used: set[str]) -> None:
    """One picture and one JSON per image."""
    from wildpose.apis.results import output_header
    from wildpose.visualization import render_frame, save_rgb

    bar = _progress(source.name, len(source))
    for frame in inferencer.run(source, smooth=args.smooth, keep_images=True):
        bar.update()
        if frame.error:
            outcome.failures.append((frame.source, frame.error))
            continue
        name = _name(frame.path or f'array_{frame.index}', used)
        png = osp.join(args.out_dir, f'{name}.png')
        save_rgb(png, render_frame(frame.image, frame.persons, view, args.min_height))
        record = dict(output_header(), image=osp.abspath(frame.path) if frame.path else None,
                      **frame.to_dict())
        with open(osp.join(args.out_dir, f'{name}.json'), 'w', encoding='utf-8') as f:
            json.dump(record, f, indent=1, allow_nan=False)
        outcome.written.append(png)


def run_video(inferencer, source, args, view, outcome: DemoOutcome, used: set[str]) -> None:
    """An annotated MP4, a JSON and an NPZ per video (or webcam run)."""
    import cv2

    from wildpose.apis import PoseRecorder, VideoWriter
    from wildpose.visualization import render_frame

    name = _name(source.name.replace(':', ''), used)
    recorder = PoseRecorder(source.name, source.fps)
    mp4 = osp.join(args.out_dir, f'{name}.mp4')
    bar = _progress(source.name, len(source))
    with VideoWriter(mp4, source.fps) as writer:
        for frame in inferencer.run(source, smooth=args.smooth, keep_images=True):
            bar.update()
            recorder.add(frame)
            rgb = render_frame(frame.image, frame.persons, view, args.min_height)
            writer.write(rgb)
            if args.show:
                cv2.imshow('wildpose', rgb[..., ::-1])
                if cv2.waitKey(1) & 0xFF == ord('q'):
                    break
    if writer.frames_written == 0:
        outcome.failures.append((source.name, 'no frame could be read'))
        return
    recorder.write_json(osp.join(args.out_dir, f'{name}.json'))
    recorder.write_npz(osp.join(args.out_dir, f'{name}.npz'))
    outcome.written.append(mp4)


def main(argv: list[str] | None = None) -> DemoOutcome:
    args = parse_args(argv)
    from wildpose.apis import Pose3DInferencer
    from wildpose.apis.sources import open_source
    from wildpose.models.fast_inference import speed_options
    from wildpose.visualization import SceneView

    options = dict(args.cfg_options)
    if args.flip_test:
        options['model.test_cfg.flip_test'] = True
    if args.camera_file and args.camera:
        raise ValueError('give --camera or --camera-file, not both')
    camera = args.camera_file or args.camera
    inferencer = Pose3DInferencer(args.config, args.checkpoint, device=args.device,
                                  detector=detector_config(args),
                                  det_score_thr=args.det_score_thr, camera=camera,
                                  fov_deg=args.fov, cfg_options=options,
                                  fast=speed_options(args))
    os.makedirs(args.out_dir, exist_ok=True)
    outcome, used = DemoOutcome(), set()
    targets = list(args.inputs) + ([args.webcam] if args.webcam is not None else [])
    for target in targets:
        view = SceneView(args.view_elev, args.view_azim, args.view_space, args.radius_mm)
        try:
            source = open_source(target, max_frames=args.max_frames)
            run = run_video if source.is_sequence else run_images
            run(inferencer, source, args, view, outcome, used)
        except (OSError, ValueError) as err:  # this input fails; the others go on
            outcome.failures.append((str(target), f'{type(err).__name__}: {err}'))
        print(file=sys.stderr)  # end the progress bar's line
    print(f'wrote {len(outcome.written)} file(s) to {args.out_dir}', file=sys.stderr)
    if outcome.failures:
        print(f'{len(outcome.failures)} input(s) failed:', file=sys.stderr)
        for what, why in outcome.failures:
            print(f'  {what}: {why}', file=sys.stderr)
    return outcome


if __name__ == '__main__':
    from wildpose.utils.cli import run_cli
    sys.exit(1 if run_cli(main).failures else 0)
