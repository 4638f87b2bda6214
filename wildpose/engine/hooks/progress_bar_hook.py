"""A progress bar over the batches of a test (and optionally validation) run."""
from __future__ import annotations

import sys
from typing import Any

from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.utils import ProgressBar

from ...registry import HOOKS


@HOOKS.register_module()
class ProgressBarHook(Hook):
    """Shows mmengine's :class:`~mmengine.utils.ProgressBar` (batches done, rate,
    elapsed and remaining time) while testing, on the main process only.

    Args:
        on_val: also during validation runs.
        file: stream for the bar (default stdout).
    """

    priority = 'VERY_LOW'

    def __init__(self, on_val: bool = False, file: Any = None) -> None:
        self.on_val = on_val
        self.file = file
        self._bar: ProgressBar | None = None

    def _begin(self, dataloader: Any) -> None:
        if is_main_process():
            self._bar = ProgressBar(len(dataloader), file=self.file or sys.stdout)

    def _step(self) -> None:
        if self._bar is not None:
            self._bar.update()

    def _end(self) -> None:
        if self._bar is not None:
            self._bar.file.write('\n')
            self._bar.file.flush()
            self._bar = None

    def before_test_epoch(self, runner: Any) -> None:
        self._begin(runner.test_dataloader)

    def after_test_iter(self, runner: Any, batch_idx: int, data_batch: Any = None,
                        outputs: Any = None) -> None:
        self._step()

    def after_test_epoch(self, runner: Any, metrics: dict | None = None) -> None:
        self._end()

    def before_val_epoch(self, runner: Any) -> None:
        if self.on_val:
            self._begin(runner.val_dataloader)

    def after_val_iter(self, runner: Any, batch_idx: int, data_batch: Any = None,
                       outputs: Any = None) -> None:
        self._step()

    def after_val_epoch(self, runner: Any, metrics: dict | None = None) -> None:
        self._end()
