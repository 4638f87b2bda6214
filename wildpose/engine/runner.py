"""The Runner of the command-line tools: mmengine's, with wildpose's checkpoint policy and
a work-dir check at start-up.

* :meth:`WildposeRunner.load_checkpoint` (``load_from``, ``--resume``, ``tools/test.py``)
  reads and loads weights through :mod:`wildpose.engine.checkpoint`: weights-only, the
  file named in every error, and a checkpoint of another shape refused unless the config
  lists the prefixes that may differ (``load_from_may_differ``; never when resuming).
* :meth:`WildposeRunner.train` first checks that the work dir takes a file and has room
  for the next checkpoint, so a read-only or full disk fails at once, not at the first
  save hours later.
"""
from __future__ import annotations

import os
import shutil
import tempfile

from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from .checkpoint import load_into, read_checkpoint

#: checkpoints hold the weights plus optimiser state (Adam: two moments per weight)
CHECKPOINT_FACTOR = 3
MARGIN_BYTES = 16 * 2 ** 20


class WorkDirError(OSError):
    """The work dir cannot take the run's files; the message names it."""


def checkpoint_bytes(model) -> int:
    """About how many bytes a checkpoint of ``model`` with optimiser state takes."""
    size = sum(t.numel() * t.element_size() for t in model.state_dict().values())
    return CHECKPOINT_FACTOR * size + MARGIN_BYTES


def check_work_dir(work_dir: str, needed_bytes: int) -> None:
    """Raise :class:`WorkDirError` unless a file can be written in ``work_dir`` and the
    disk has ``needed_bytes`` free."""
    try:
        os.makedirs(work_dir, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=work_dir, prefix='.write-test-') as probe:
            probe.write(b'\0' * 4096)
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as err:
        raise WorkDirError(f'work dir {work_dir} is not writable ({err.strerror or err}); '
                           'choose another with --work-dir') from None
    free = shutil.disk_usage(work_dir).free
    if free < needed_bytes:
        raise WorkDirError(f'work dir {work_dir}: {free / 2 ** 20:.0f} MiB free, but a '
                           f'checkpoint of this model needs about {needed_bytes / 2 ** 20:.0f} '
                           'MiB; free some space or choose another --work-dir')


class WildposeRunner(Runner):
    """mmengine's Runner with wildpose's checkpoint loading and start-up checks."""

    def _unwrapped(self):
        return self.model.module if is_model_wrapper(self.model) else self.model

    def train(self):
        check_work_dir(self.work_dir, checkpoint_bytes(self._unwrapped()))
        return super().train()

    def load_checkpoint(self, filename: str, map_location='cpu', strict: bool = False,
                        revise_keys: list = [(r'^module.', '')]) -> dict:  # noqa: B006
        """Read ``filename`` weights-only and load its weights under the policy of
        :mod:`wildpose.engine.checkpoint`; returns the whole checkpoint (for resuming)."""
        checkpoint = read_checkpoint(filename, map_location)
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        may_differ = () if self._resume else tuple(self.cfg.get('load_from_may_differ') or ())
        kept = load_into(self._unwrapped(), filename, checkpoint['state_dict'], may_differ)
        if kept:
            self.logger.warning(f'{len(kept)} weights under {list(may_differ)} keep their '
                                f'initial values (absent from {filename} or of another '
                                f'shape): {", ".join(kept[:5])}{" ..." if len(kept) > 5 else ""}')
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint
