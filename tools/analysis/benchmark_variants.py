"""The variants that tools/analysis/benchmark.py times, and the batch they run on.

Each variant is built from the config's model the way a user would switch it on:
inference through :func:`wildpose.models.fast_inference.optimise_for_inference`, training
through the optim wrapper that ``tools/train.py --amp`` picks
(:func:`wildpose.engine.amp_optim_wrapper`).
"""
from __future__ import annotations

import copy
import tempfile
from typing import Any, Callable

import torch

#: inference variants: name -> optimise_for_inference arguments (plain fp32 first)
INFER_VARIANTS: dict[str, dict[str, Any]] = {
    'fp32': dict(channels_last=False, fold_bn=False, precision='float32'),
    'channels-last': dict(channels_last=True, fold_bn=False, precision='float32'),
    'fold-bn': dict(channels_last=True, fold_bn=True, precision='float32'),
    'bf16-autocast': dict(channels_last=True, fold_bn=False, precision='bfloat16-autocast'),
    'bf16-weights': dict(channels_last=True, fold_bn=False, precision='bfloat16-weights'),
    'fold-bn+bf16-autocast': dict(channels_last=True, fold_bn=True,
                                  precision='bfloat16-autocast'),
    'fold-bn+bf16-weights': dict(channels_last=True, fold_bn=True,
                                 precision='bfloat16-weights'),
    'fold-bn+float16-autocast': dict(channels_last=True, fold_bn=True,
                                     precision='float16-autocast'),
    'compile+fold-bn': dict(channels_last=True, fold_bn=True, precision='float32',
                            compile=True),
    'compile+fold-bn+bf16-weights': dict(channels_last=True, fold_bn=True,
                                         precision='bfloat16-weights', compile=True),
}

#: training variants: name -> (channels_last, optim wrapper recipe, compile)
TRAIN_VARIANTS: dict[str, tuple[bool, str, bool]] = {
    'fp32': (False, 'fp32', False),
    'channels-last': (True, 'fp32', False),
    'bf16-autocast': (True, 'bf16', False),
    'amp-float16': (True, 'amp-fp16', False),
    'compile+bf16-autocast': (True, 'bf16', True),
}


def training_batch(cfg: Any, batch_size: int) -> dict:
    """``batch_size`` real training samples for ``cfg``'s model, half with 3D labels.

    Synthetic people (the embedded benchmark's lab and wild domains) are rendered, written
    as JPEG into a temporary folder and sent through the config's own training pipelines:
    the first training dataset's pipeline for the 3D half, the last one's for the 2D half
    (no dataset files, and no COCO reader, are needed).
    """
    import cv2
    import numpy as np
    from mmengine.dataset import Compose, pseudo_collate

    from wildpose.datasets.synthetic.generate import render_sample
    from wildpose.registry import TRANSFORMS

    dataset_cfg = cfg.train_dataloader['dataset']
    parts = dataset_cfg.get('datasets', [dataset_cfg])
    n_3d = (batch_size + 1) // 2
    samples = []
    with tempfile.TemporaryDirectory(prefix='wildpose_bench_') as root:
        for i in range(batch_size):
            lab = i < n_3d
            split, part = ('lab_train', parts[0]) if lab else ('wild_train', parts[-1])
            s = render_sample(0, split, i)
            path = f'{root}/{i}.jpg'
            cv2.imwrite(path, s.img)
            x, y, w, h = (float(v) for v in s.bbox)
            info = dict(img_path=path, img_id=i, sample_idx=i, has_3d=lab,
                        bbox=np.array([x, y, x + w, y + h], np.float32),
                        keypoints=s.keypoints[:, :2].astype(np.float32),
                        keypoints_visible=(s.keypoints[:, 2] > 0).astype(np.float32),
                        domain='lab' if lab else 'wild', action=s.action)
            if lab:
                info['keypoints_3d'] = s.keypoints_3d.astype(np.float32)
            pipeline = Compose([TRANSFORMS.build(copy.deepcopy(t)) for t in part['pipeline']])
            samples.append(pipeline(info))
    return pseudo_collate(samples)


def _model(cfg: Any, channels_last: bool, device: torch.device) -> torch.nn.Module:
    from wildpose.registry import MODELS

    model_cfg = copy.deepcopy(cfg.model)
    model_cfg['channels_last'] = channels_last
    torch.manual_seed(0)
    return MODELS.build(model_cfg).to(device)


def build_variant(mode: str, name: str, cfg: Any, batch: dict, device: torch.device
                  ) -> tuple[Callable[[], Any], torch.dtype]:
    """A closure running one step of the variant, and the precision of its matrix work."""
    if mode == 'infer':
        from wildpose.models.fast_inference import optimise_for_inference

        opts = INFER_VARIANTS[name]
        model = _model(cfg, False, device)
        model = optimise_for_inference(model, **opts)
        x = model.data_preprocessor(copy.copy(batch), training=False)['inputs']

        def infer() -> Any:
            with torch.no_grad():
                return model._network_outputs(x)
        precision = opts['precision']
        dtype = torch.float32 if precision == 'float32' else getattr(
            torch, precision.split('-')[0])
        return infer, dtype

    from mmengine.optim import build_optim_wrapper

    from wildpose.engine import amp_optim_wrapper

    channels_last, recipe, compile_ = TRAIN_VARIANTS[name]
    model = _model(cfg, channels_last, device).train()
    wrapper_cfg = dict(type='OptimWrapper', optimizer=copy.deepcopy(
        cfg.optim_wrapper['optimizer']))
    if recipe == 'bf16':
        wrapper_cfg = dict(wrapper_cfg, type='AutocastOptimWrapper', dtype='bfloat16')
    elif recipe == 'amp-fp16':
        wrapper_cfg = dict(amp_optim_wrapper(wrapper_cfg, 'cuda'), dtype='float16')
    wrapper = build_optim_wrapper(model, wrapper_cfg)
    if compile_:
        model._forward = torch.compile(model._forward)

    def train() -> Any:
        return model.train_step(copy.copy(batch), optim_wrapper=wrapper)
    dtype = {'fp32': torch.float32, 'bf16': torch.bfloat16,
             'amp-fp16': torch.float16}[recipe]
    return train, dtype
