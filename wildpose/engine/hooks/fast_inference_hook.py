"""Switch the model to its fast inference path before testing (``tools/test.py --fast``)."""
from __future__ import annotations

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from ...registry import HOOKS


@HOOKS.register_module()
class FastInferenceHook(Hook):
    """Apply :func:`~wildpose.models.fast_inference.optimise_for_inference` once the
    checkpoint is loaded, before the first test batch; the metrics, the dump and the
    report's speed are then those of the fast model.

    Args:
        fold_bn, channels_last, precision, compile: as for ``optimise_for_inference``
            (``precision='auto'`` picks by device).
    """

    priority = 'VERY_HIGH'

    def __init__(self, fold_bn: bool = True, channels_last: bool = True,
                 precision: str = 'auto', compile: bool = False) -> None:
        self.options = dict(fold_bn=fold_bn, channels_last=channels_last,
                            precision=precision, compile=compile)

    def before_test(self, runner) -> None:
        from ...models.fast_inference import optimise_for_inference

        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        optimise_for_inference(model, **self.options)
        runner.logger.info(f'fast inference: {self.options}')
