"""Human3.6M official release -> the annotation ``.npz`` + ``cameras.pkl`` wildpose reads.

    python tools/dataset_converters/h36m_to_npz.py EXTRACTED_DIR OUT_DIR
        [--metadata metadata.xml] [--sample-rate 5] [--subjects S1 S5 ...] [--no-frames]

``EXTRACTED_DIR`` holds the official archives unpacked per subject::

    EXTRACTED_DIR/S1/MyPoseFeatures/D2_Positions/Directions 1.54138969.cdf
    EXTRACTED_DIR/S1/MyPoseFeatures/D3_Positions_mono/Directions 1.54138969.cdf
    EXTRACTED_DIR/S1/Videos/Directions 1.54138969.mp4

and ``metadata.xml`` comes with the official code package. Written (MMPose's layout)::

    OUT_DIR/annotation_body3d/cameras.pkl
    OUT_DIR/annotation_body3d/fps{50 // rate}/h36m_train.npz   (S1 S5 S6 S7 S8)
    OUT_DIR/annotation_body3d/fps{50 // rate}/h36m_test.npz    (S9 S11)
    OUT_DIR/images/S1/S1_Directions_1.54138969/S1_Directions_1.54138969_000001.jpg

Every ``rate``-th video frame is kept (frame numbers in the names are 1-based video
frames). The 17 joints are Human3.6M's usual subset of its 32; ``S`` is
``D3_Positions_mono`` (camera frame) in metres, ``part`` is ``D2_Positions`` in px.
Reading CDF files needs ``cdflib`` (optional: ``pip install cdflib``).
"""
from __future__ import annotations

import argparse
import os
import os.path as osp
import pickle
import sys
import xml.etree.ElementTree as ET
from typing import Sequence

import numpy as np

#: Human3.6M's 17 joints (wildpose's ``h36m17`` layout) among the release's 32
H36M_32_TO_17 = (0, 1, 2, 3, 6, 7, 8, 12, 13, 14, 15, 17, 18, 19, 25, 26, 27)
TRAIN_SUBJECTS = ('S1', 'S5', 'S6', 'S7', 'S8')
TEST_SUBJECTS = ('S9', 'S11')
#: image size (w, h) of each camera
IMAGE_SIZES = {'54138969': (1000, 1002), '55011271': (1000, 1000),
               '58860488': (1000, 1000), '60457274': (1000, 1002)}
BOX_FACTOR = 1.2  # person box = 1.2 x the joints' extent (MMPose's choice)


# ------------------------------------------------------------------ pure conversion
def sequence_to_arrays(pose2d: np.ndarray, pose3d: np.ndarray, subject: str, seq_name: str,
                       sample_rate: int = 5) -> dict[str, np.ndarray]:
    """One sequence's poses -> the ``.npz`` fields for every ``sample_rate``-th frame.

    Args:
        pose2d: (F, 32, 2) or (F, 64) ``D2_Positions``, image px.
        pose3d: (F, 32, 3) or (F, 96) ``D3_Positions_mono``, camera frame, mm.
        subject: 'S1'. seq_name: the file stem, e.g. 'Directions 1.54138969'.

    Returns:
        imgname (n,), center (n, 2), scale (n,), part (n, 17, 3), S (n, 17, 4) metres,
        and frame_index (n,) 0-based video frames.
    """
    pose2d = np.asarray(pose2d, np.float64).reshape(len(pose2d), 32, 2)
    pose3d = np.asarray(pose3d, np.float64).reshape(len(pose3d), 32, 3)
    if len(pose2d) != len(pose3d):
        raise ValueError(f'{subject} {seq_name}: {len(pose2d)} 2D frames but '
                         f'{len(pose3d)} 3D frames')
    frames = np.arange(0, len(pose2d), sample_rate)
    part = pose2d[frames][:, H36M_32_TO_17]
    S = pose3d[frames][:, H36M_32_TO_17] / 1000.0
    ones = np.ones(part.shape[:2] + (1,))
    lo, hi = part.min(axis=1), part.max(axis=1)
    folder = f"{subject}_{seq_name.replace(' ', '_')}"
    names = [f'{subject}/{folder}/{folder}_{i + 1:06d}.jpg' for i in frames]
    return dict(imgname=np.array(names), center=(lo + hi) / 2,
                scale=BOX_FACTOR * (hi - lo).max(axis=1) / 200.0,
                part=np.concatenate([part, ones], -1), S=np.concatenate([S, ones], -1),
                frame_index=frames)


def concat_arrays(chunks: Sequence[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    keys = ('imgname', 'center', 'scale', 'part', 'S')
    return {k: np.concatenate([c[k] for c in chunks]) for k in keys}


def rotation_from_angles(angles: Sequence[float]) -> np.ndarray:
    """Human3.6M's metadata angles (3,) radians -> the world-to-camera rotation R."""
    x, y, z = -angles[0], angles[1], -angles[2]
    cx, sx, cy, sy, cz, sz = np.cos(x), np.sin(x), np.cos(y), np.sin(y), np.cos(z), np.sin(z)
    rx = np.array([[1, 0, 0], [0, cx, sx], [0, -sx, cx]])
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rz = np.array([[cz, sz, 0], [-sz, cz, 0], [0, 0, 1]])
    return (rx @ ry @ rz).T


def cameras_from_w0(w0: np.ndarray, camera_ids: Sequence[str], num_subjects: int = 11
                    ) -> dict[tuple[str, str], dict]:
    """Decode metadata.xml's parameter vector into ``cameras.pkl``'s dict.

    Layout of ``w0``: for camera c and subject s (1-based), 6 extrinsics (3 angles in
    radians, 3 translation in mm) at ``6 * (c * 11 + s - 1)``; per camera, 9 intrinsics
    (f 2, c 2, k 3, p 2) at ``264 + 9 * c``. ``T`` (the camera centre in the world) is
    stored in metres, matching ``S``.
    """
    w0 = np.asarray(w0, np.float64).ravel()
    if len(w0) < 264 + 9 * len(camera_ids):
        raise ValueError(f'metadata w0 has {len(w0)} numbers, expected at least '
                         f'{264 + 9 * len(camera_ids)}')
    cameras = {}
    for c, cam_id in enumerate(camera_ids):
        intr = w0[264 + 9 * c: 264 + 9 * (c + 1)]
        w, h = IMAGE_SIZES.get(cam_id, (1000, 1000))
        for s in range(1, num_subjects + 1):
            ext = w0[6 * (c * 11 + s - 1): 6 * (c * 11 + s - 1) + 6]
            cameras[(f'S{s}', cam_id)] = dict(
                R=rotation_from_angles(ext[:3]), T=ext[3:6].reshape(3, 1) / 1000.0,
                f=intr[0:2].reshape(2, 1), c=intr[2:4].reshape(2, 1),
                k=intr[4:7].reshape(3, 1), p=intr[7:9].reshape(2, 1), w=w, h=h,
                name=f'camera{c + 1}', id=cam_id)
    return cameras


def parse_metadata(path: str) -> tuple[list[str], np.ndarray]:
    """metadata.xml -> (camera ids in order, the w0 parameter vector)."""
    root = ET.parse(path).getroot()
    ids_node, w0_node = root.find('dbcameras/index2id'), root.find('w0')
    if ids_node is None or w0_node is None or not w0_node.text:
        raise ValueError(f"{path}: no 'dbcameras/index2id' or 'w0' element")
    camera_ids = [e.text.strip() for e in ids_node]
    w0 = np.array([float(v) for v in w0_node.text.strip().strip('[]').split()])
    return camera_ids, w0


# ------------------------------------------------------------------ file access
def read_cdf_pose(path: str) -> np.ndarray:
    """The 'Pose' variable of a Human3.6M CDF file as (F, D)."""
    try:
        import cdflib
    except ImportError as err:
        raise ImportError(f'reading {path} needs cdflib (optional): pip install cdflib'
                          ) from err
    pose = np.asarray(cdflib.CDF(path).varget('Pose'))
    return pose.reshape(-1, pose.shape[-1])


def extract_frames(video: str, frame_index: np.ndarray, out_paths: Sequence[str]) -> int:
    """Write the 0-based ``frame_index`` frames of ``video`` to ``out_paths`` (JPEG);
    returns how many were written (fewer if the video is shorter)."""
    import cv2

    wanted = dict(zip((int(i) for i in frame_index), out_paths))
    cap = cv2.VideoCapture(video)
    if not cap.isOpened():
        raise FileNotFoundError(f'cannot open video {video}')
    written, i, last = 0, 0, max(wanted) if wanted else -1
    while i <= last:
        ok, img = cap.read()
        if not ok:
            break
        if i in wanted:
            os.makedirs(osp.dirname(wanted[i]), exist_ok=True)
            cv2.imwrite(wanted[i], img)
            written += 1
        i += 1
    cap.release()
    return written


def convert_sequence(pose2d: np.ndarray, pose3d: np.ndarray, subject: str, seq_name: str,
                     video: str | None, image_root: str, sample_rate: int
                     ) -> dict[str, np.ndarray] | None:
    """Arrays of one sequence, with its frames written under ``image_root`` (``video``
    None: no frames). Frames missing from the video drop their samples."""
    arrays = sequence_to_arrays(pose2d, pose3d, subject, seq_name, sample_rate)
    if video is not None:
        paths = [osp.join(image_root, n) for n in arrays['imgname']]
        n = extract_frames(video, arrays['frame_index'], paths)
        if n < len(paths):
            print(f'warning: {video} has only {n} of the {len(paths)} frames wanted; '
                  'keeping the first', file=sys.stderr)
            arrays = {k: v[:n] for k, v in arrays.items()}
    return arrays if len(arrays['imgname']) else None


def convert(extracted: str, out_dir: str, metadata: str | None, sample_rate: int,
            subjects: Sequence[str], frames: bool = True) -> dict[str, int]:
    ann_dir = osp.join(out_dir, 'annotation_body3d')
    os.makedirs(osp.join(ann_dir, f'fps{50 // sample_rate}'), exist_ok=True)
    if metadata:
        camera_ids, w0 = parse_metadata(metadata)
        with open(osp.join(ann_dir, 'cameras.pkl'), 'wb') as f:
            pickle.dump(cameras_from_w0(w0, camera_ids), f)
    counts = {}
    for split, members in (('train', TRAIN_SUBJECTS), ('test', TEST_SUBJECTS)):
        chunks = []
        for subject in (s for s in members if s in subjects):
            d3_dir = osp.join(extracted, subject, 'MyPoseFeatures', 'D3_Positions_mono')
            if not osp.isdir(d3_dir):
                raise FileNotFoundError(f'{d3_dir} not found: unpack {subject} first')
            for fname in sorted(os.listdir(d3_dir)):
                seq, ext = osp.splitext(fname)
                if ext != '.cdf' or seq.startswith('_ALL'):
                    continue
                d2 = osp.join(extracted, subject, 'MyPoseFeatures', 'D2_Positions', fname)
                video = osp.join(extracted, subject, 'Videos', seq + '.mp4')
                if frames and not osp.isfile(video):
                    print(f'warning: no video {video}; sequence skipped', file=sys.stderr)
                    continue
                if not osp.isfile(d2):
                    raise FileNotFoundError(f'{d2} not found (the 2D poses of {d3_dir}/{fname})')
                pose2d = read_cdf_pose(d2)
                pose3d = read_cdf_pose(osp.join(d3_dir, fname))
                arrays = convert_sequence(pose2d, pose3d, subject, seq,
                                          video if frames else None,
                                          osp.join(out_dir, 'images'), sample_rate)
                if arrays is not None:
                    chunks.append(arrays)
        if chunks:
            out = osp.join(ann_dir, f'fps{50 // sample_rate}', f'h36m_{split}.npz')
            np.savez(out, **concat_arrays(chunks))
            from wildpose.datasets.provenance import write_provenance
            write_provenance(out, 'h36m_to_npz', dict(
                sample_rate=sample_rate, subjects=sorted(subjects), frames=frames,
                metadata=osp.basename(metadata) if metadata else None))
            counts[split] = sum(len(c['imgname']) for c in chunks)
            print(f'{out}: {counts[split]} samples')
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('extracted', help='folder with S1/, S5/, ... of the official release')
    parser.add_argument('out_dir', help='e.g. data/h36m')
    parser.add_argument('--metadata', help='metadata.xml of the official code (cameras)')
    parser.add_argument('--sample-rate', type=int, default=5,
                        help='keep every n-th frame (5: training; 1: the full test)')
    parser.add_argument('--subjects', nargs='+', default=list(TRAIN_SUBJECTS + TEST_SUBJECTS))
    parser.add_argument('--no-frames', action='store_true',
                        help='write the annotations only (frames already extracted)')
    args = parser.parse_args(argv)
    convert(args.extracted, args.out_dir, args.metadata, args.sample_rate, args.subjects,
            frames=not args.no_frames)


if __name__ == '__main__':
    main()
