"""Samples that cannot produce a training target: found at load time, skipped and counted.

A legitimate annotation can still be unusable: a box that is empty or negative, a 3D
sample whose labelled joints span no bone (every joint invisible: no pixels-per-mm scale
for the depth target). Without a check such a sample stops a run hours in, at the
iteration that draws it. :class:`SampleChecksMixin` gives every wildpose reader

* a load-time check of every sample (:func:`find_problems`), with the policy
  ``bad_sample``: ``'skip'`` (default; drop them, log how many and an example),
  ``'fail'`` (refuse the file, naming the sample, the field and why) or ``'keep'`` (no
  check; for ``tools/misc/check_dataset.py``, which reports them itself);
* a run-time guard: a transform that raises :class:`SampleError` for one sample during
  training makes the dataset draw another sample (mmengine's refetch) and log one line,
  instead of stopping the run. In ``test_mode`` the error is raised.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from mmengine.logging import MMLogger

from ..structures.skeleton import BONES

BAD_SAMPLE_POLICIES = ('skip', 'fail', 'keep')


class SampleError(ValueError):
    """One sample cannot produce a target; the message names the field and the sample."""


def _box_problem(bbox: Any) -> str | None:
    box = np.asarray(bbox, dtype=np.float64).reshape(-1)
    if box.shape != (4,) or not np.all(np.isfinite(box)):
        return f'must be 4 finite numbers x1 y1 x2 y2, got {box.tolist()}'
    if box[2] <= box[0] or box[3] <= box[1]:
        return f'is empty or negative (x1 y1 x2 y2 = {box.tolist()})'
    return None


def find_problems(data_list: list[dict]) -> list[tuple[int, str, str]]:
    """(index, field, why) for every sample of ``data_list`` that cannot produce a target.

    Checks the box, and for samples with 3D labels that the labelled bones give the
    depth target's pixels-per-mm scale (the rule of
    :func:`wildpose.geometry.depth.depth_scale`, vectorised over the samples).
    """
    problems = []
    for i, info in enumerate(data_list):
        why = _box_problem(info.get('bbox', ()))
        if why:
            problems.append((i, 'bbox', why))
    with_3d = [i for i, d in enumerate(data_list) if d.get('has_3d') and 'keypoints_3d' in d]
    if with_3d:
        k2 = np.stack([np.asarray(data_list[i]['keypoints'], np.float64) for i in with_3d])
        k3 = np.stack([np.asarray(data_list[i]['keypoints_3d'], np.float64) for i in with_3d])
        vis = np.stack([np.asarray(data_list[i].get('keypoints_visible',
                                                    np.ones(k2.shape[1])), np.float64)
                        for i in with_3d]) > 0
        par, chi = np.asarray(BONES).T
        used = vis[:, par] & vis[:, chi]
        len2d = (np.linalg.norm(k2[:, par] - k2[:, chi], axis=-1) * used).sum(-1)
        len3d = (np.linalg.norm(k3[:, par, :2] - k3[:, chi, :2], axis=-1) * used).sum(-1)
        bad = ~np.isfinite(len3d) | (len3d <= 1e-9) | ~np.isfinite(len2d)
        for n in np.flatnonzero(bad):
            why = ('every joint is invisible' if not vis[n].any() else
                   f'the labelled joints span no bone in x, y (sum {len3d[n]:.3g} mm)')
            problems.append((with_3d[n], 'keypoints_visible/keypoints_3d',
                             f'{why}: no scale for the depth target'))
    return sorted(problems)


def describe(info: dict, index: int) -> str:
    return f"index {index} (sample_idx={info.get('sample_idx')}, {info.get('img_path')})"


def drop_bad_samples(data_list: list[dict], policy: str, source: str) -> list[dict]:
    """Apply the ``bad_sample`` policy (see the module doc) to a reader's samples."""
    if policy not in BAD_SAMPLE_POLICIES:
        raise ValueError(f'bad_sample must be one of {BAD_SAMPLE_POLICIES}, got {policy!r}')
    if policy == 'keep':
        return data_list
    problems = find_problems(data_list)
    if not problems:
        return data_list
    index, field, why = problems[0]
    example = f"{describe(data_list[index], index)}: field '{field}' {why}"
    if policy == 'fail':
        raise SampleError(f'{source}: {len(problems)} of {len(data_list)} samples cannot '
                          f'produce a target, e.g. {example} (bad_sample=\'skip\' leaves them '
                          'out; tools/misc/check_dataset.py lists them all)')
    MMLogger.get_current_instance().warning(
        f'{source}: skipped {len(problems)} of {len(data_list)} samples that cannot produce a '
        f'target, e.g. {example} (tools/misc/check_dataset.py lists them all)')
    bad = {i for i, _, _ in problems}
    return [d for i, d in enumerate(data_list) if i not in bad]


class SampleChecksMixin:
    """For :class:`mmengine.dataset.BaseDataset` subclasses; put it first in the bases.

    The reader passes its list through :meth:`checked` at the end of ``load_data_list``
    and sets ``self.bad_sample`` in ``__init__``.
    """

    bad_sample: str = 'skip'
    #: samples skipped at run time by this process (DataLoader workers count their own)
    skipped_at_run_time: int = 0

    def checked(self, data_list: list[dict], source: str) -> list[dict]:
        return drop_bad_samples(data_list, self.bad_sample, source)

    def prepare_data(self, idx: int) -> Any:
        try:
            return super().prepare_data(idx)
        except SampleError as err:
            if self.test_mode or self.bad_sample == 'fail':
                raise
            self.skipped_at_run_time += 1
            MMLogger.get_current_instance().warning(
                f'skipped {describe(self.get_data_info(idx), idx)} of {self.ann_file}: {err} '
                f'({self.skipped_at_run_time} skipped at run time in this process)')
            return None  # mmengine's BaseDataset then draws another sample
