"""tools/model_converters/hg3d_official_to_wildpose.py from the command line, and the
converted checkpoint in tools/demo.py and tools/test.py (on a tiny Human3.6M-format set)."""
from __future__ import annotations

import json
import os
import os.path as osp
import shutil
import subprocess
import sys

import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, osp.join(REPO, 'tests', 'test_datasets'))
from real_format_fixtures import write_pose3d_npz  # noqa: E402

CONVERTER = osp.join(REPO, 'tools', 'model_converters', 'hg3d_official_to_wildpose.py')
pytestmark = pytest.mark.slow


def _run(*args: str, cwd: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True,
                          env=dict(os.environ, OMP_NUM_THREADS='1'), timeout=300)


def _h36m_test_set(root: str) -> None:
    """S9/S11 test frames in the layout eval_h36m.py reads under data_root."""
    h36m = osp.join(root, 'h36m')
    os.makedirs(osp.join(h36m, 'annotation_body3d', 'fps10'))
    names, keys = [], []
    for subject, action, cam in (('S9', 'TakingPhoto', '55011271'),
                                 ('S11', 'WalkDog_1', '54138969'),
                                 ('S9', 'Directions_1', '54138969')):
        seq = f'{subject}_{action}.{cam}'
        names.append(f'{subject}/{seq}/{seq}_000001.jpg')
        keys.append((subject, cam))
    write_pose3d_npz(h36m, names, camera_keys=keys,
                     npz_name=osp.join('annotation_body3d', 'fps10', 'h36m_test.npz'))
    shutil.move(osp.join(h36m, 'cameras.pkl'), osp.join(h36m, 'annotation_body3d'))


def test_convert_then_demo_and_test_with_the_converted_checkpoint(original, tmp_path):
    net = original.random_network(n_stack=2, n_modules=1, n_feats=16, n_reg=1)
    original.save_like_torch_0_3(net, str(tmp_path / 'hgreg-3d.pth'))
    proc = _run(CONVERTER, 'hgreg-3d.pth', 'checkpoints/hg3d_official.pth', cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'whole pickled module' in proc.stdout
    options = proc.stdout.split('--cfg-options ')[1].split()  # this layout is not the paper's
    assert 'model.backbone.channels=16' in options

    image = tmp_path / 'person.jpg'
    import cv2
    import numpy as np
    cv2.imwrite(str(image), np.random.default_rng(0).integers(0, 255, (300, 200, 3),
                                                              dtype=np.uint8))
    proc = _run(osp.join(REPO, 'tools', 'demo.py'), str(image), '--config',
                'wildpose::weak3d/hg_mixed_authors.py', '--checkpoint',
                'checkpoints/hg3d_official.pth', '--out-dir', 'demo_out',
                '--detector', 'whole_image', '--cfg-options',
                *options, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.load(open(tmp_path / 'demo_out' / 'person.json'))
    (person,) = result['persons']  # the whole image is one person
    assert np.asarray(person['keypoints_3d']).shape == (16, 3)

    _h36m_test_set(str(tmp_path / 'data'))
    proc = _run(osp.join(REPO, 'tools', 'test.py'), 'wildpose::weak3d/eval_h36m_authors.py',
                'checkpoints/hg3d_official.pth', '--work-dir', 'test', '--no-report',
                '--no-progress', '--cfg-options', 'data_root=data',
                'test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=False',
                *options, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr[-3000:]
    metrics = json.load(open(tmp_path / 'test' / 'metrics.json'))
    assert metrics['mpjpe'] > 0 and 'action/Photo/mpjpe' in metrics


def test_the_command_line_refuses_a_file_that_would_run_code(original, tmp_path):
    class Payload:
        def __reduce__(self):
            return open, (str(tmp_path / 'pwned'), 'w')

    net = original.random_network(n_stack=1, n_modules=1, n_feats=16, n_reg=1)
    net.reg.note = Payload()
    torch.save(net, tmp_path / 'hgreg-3d.pth', _use_new_zipfile_serialization=False)
    proc = _run(CONVERTER, 'hgreg-3d.pth', 'out.pth', cwd=str(tmp_path))
    assert proc.returncode == 2
    first = proc.stderr.strip().splitlines()[0]
    assert 'UnsafeFileError: hgreg-3d.pth: refusing to load' in first and 'open' in first
    assert 'Traceback' not in proc.stderr
    assert not (tmp_path / 'pwned').exists() and not (tmp_path / 'out.pth').exists()
