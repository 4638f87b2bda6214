"""Docs that run: every marked shell or python block of docs/*.md and README.md.

Each page's blocks run in order in a folder of their own that links the repository's
configs/, tools/ and tests/ (projects/ is copied, the examples write into it), so what
the commands write (work_dirs/, data/cache/, checkpoints/) stays out of the checkout.
See tests/test_docs/doc_blocks.py for the markers.
"""
from __future__ import annotations

import glob
import os
import os.path as osp
import shutil
import subprocess
import sys
import time

import pytest

from doc_blocks import DocBlock, marked_blocks

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PAGES = sorted(glob.glob(osp.join(REPO, 'docs', '*.md'))) + [osp.join(REPO, 'README.md')]
TESTED = [p for p in PAGES if marked_blocks(p)]
ORIGINAL = osp.join(REPO, 'tests', 'data', 'hg3d_original')

pytestmark = pytest.mark.slow


def _env() -> dict:
    env = dict(os.environ, OMP_NUM_THREADS='1')
    env['PATH'] = osp.dirname(sys.executable) + os.pathsep + env.get('PATH', '')
    env.pop('PYTHONPATH', None)
    return env


def _provide(name: str, folder: str) -> None:
    """Stand-ins for what a reader brings: the authors' file (the paper's layout, random
    weights, written as PyTorch 0.3 did) and a photo of a person (a synthetic one)."""
    if osp.exists(osp.join(folder, name)):
        return
    if name == 'hgreg-3d.pth':
        code = (f'import sys; sys.path.insert(0, {ORIGINAL!r})\n'
                'from random_weights import random_network\n'
                'from torch03_writer import save_like_torch_0_3\n'
                "save_like_torch_0_3(random_network(2, 2, 256, 2), 'hgreg-3d.pth')\n")
    else:
        code = ('import cv2\n'
                'from wildpose.datasets.synthetic.generate import render_sample\n'
                "s = render_sample(0, 'wild_test', 3, (320, 320))\n"
                "cv2.imwrite('person.jpg', s.img)\n")
    subprocess.run([sys.executable, '-c', code], cwd=folder, env=_env(), check=True,
                   timeout=120)


def _workspace(tmp_path) -> str:
    folder = str(tmp_path / 'reader')
    os.makedirs(folder)
    for name in ('configs', 'tools', 'tests'):
        os.symlink(osp.join(REPO, name), osp.join(folder, name))
    shutil.copytree(osp.join(REPO, 'projects'), osp.join(folder, 'projects'),
                    ignore=shutil.ignore_patterns('work_dirs', 'data', '__pycache__'))
    return folder


def _run(block: DocBlock, folder: str) -> float:
    for name in block.needs:
        _provide(name, folder)
    start = time.perf_counter()
    proc = subprocess.run(['bash', '-euo', 'pipefail', '-c', block.script()], cwd=folder,
                          env=_env(), capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        pytest.fail(f'{block.where()} failed (exit {proc.returncode}):\n{block.script()}\n'
                    f'--- stdout\n{proc.stdout[-2000:]}\n--- stderr\n{proc.stderr[-3000:]}')
    return time.perf_counter() - start


@pytest.mark.parametrize('page', TESTED, ids=[osp.relpath(p, REPO) for p in TESTED])
def test_the_marked_commands_of_a_page_run(page, tmp_path):
    folder = _workspace(tmp_path)
    for block in marked_blocks(page):
        _run(block, folder)


def test_the_pages_that_must_run_have_marked_commands():
    must = ['get_started.md', 'configs.md', 'customize.md', 'ops.md', 'distributed.md',
            'model_zoo.md', 'faq.md']
    tested = {osp.basename(p) for p in TESTED}
    assert [m for m in must if m not in tested] == []
