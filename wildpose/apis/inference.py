"""Run a trained model on one image: ``init_model`` then ``inference_topdown``.

    from wildpose.apis import inference_topdown, init_model

    model = init_model('configs/weak3d/hg_mixed_synth.py', 'iter_1500.pth', device='cpu')
    sample = inference_topdown(model, 'person.jpg', bbox=(10, 20, 200, 400))
    sample.pred_keypoints      # (J, 2) image px
    sample.pred_scores         # (J,)
    sample.pred_keypoints_3d   # (J, 3) root-relative, mm
"""
from __future__ import annotations

import copy
import os.path as osp
from typing import Any, Sequence

import numpy as np
import torch
from torch import nn

from ..structures import PoseDataSample
from ..structures.skeleton import JOINT_NAMES


def _load_config(config: Any, cfg_options: dict | None):
    from mmengine.config import Config

    if isinstance(config, str):
        from ..utils.package_configs import resolve_config_path
        config = resolve_config_path(config)
        if not osp.isfile(config):
            raise FileNotFoundError(f'config file not found: {config}')
        config = Config.fromfile(config)
    elif not isinstance(config, Config):
        raise TypeError(f'config must be a path or an mmengine Config, got {type(config)}')
    else:
        config = copy.deepcopy(config)
    if cfg_options:
        config.merge_from_dict(cfg_options)
    if 'model' not in config:
        raise KeyError(f"config {config.filename} has no 'model' entry")
    return config


def init_model(config: Any, checkpoint: str | None = None, device: str = 'cpu',
               cfg_options: dict | None = None) -> nn.Module:
    """Build the model of ``config`` (path or Config), load ``checkpoint`` and put it in
    eval mode on ``device``.

    The checkpoint is read weights-only; a file that does not fit the model (missing
    weights, other shapes) raises :class:`wildpose.engine.checkpoint.CheckpointError`
    naming the file. Without a checkpoint the weights stay as initialised. The config is
    kept as ``model.cfg`` (``inference_topdown`` takes its test pipeline from it).

    Args:
        cfg_options: overrides merged into the config, e.g.
            ``{'model.test_cfg.flip_test': True}``.
    """
    from ..engine.checkpoint import check_checkpoint, load_state_dict
    from ..registry import MODELS
    from ..utils import register_all_modules

    register_all_modules()
    cfg = _load_config(config, cfg_options)
    model = MODELS.build(cfg.model)
    if checkpoint is not None:
        state = load_state_dict(checkpoint)
        check_checkpoint(checkpoint, model)
        model.load_state_dict(state, strict=False)  # every model weight checked present
    model.cfg = cfg
    return model.to(device).eval()


def _find_pipeline(dataset_cfg: Any) -> list | None:
    """The first ``pipeline`` in a (possibly wrapped or concatenated) dataset config."""
    if isinstance(dataset_cfg, dict):
        if dataset_cfg.get('pipeline'):
            return list(dataset_cfg['pipeline'])
        for key in ('dataset', 'datasets'):
            inner = dataset_cfg.get(key)
            for item in (inner if isinstance(inner, (list, tuple)) else [inner]):
                found = _find_pipeline(item)
                if found:
                    return found
    return None


def inference_pipeline_config(cfg: Any) -> list[dict]:
    """The test pipeline of a config, without its image-loading step (the image is
    given in memory)."""
    pipeline = None
    for key in ('test_dataloader', 'val_dataloader'):
        if cfg.get(key) is not None:
            pipeline = _find_pipeline(cfg[key].get('dataset'))
            if pipeline:
                break
    if not pipeline:
        raise KeyError(f'config {cfg.filename}: no pipeline found in '
                       'test_dataloader.dataset (or val_dataloader.dataset)')
    return [copy.deepcopy(dict(t)) for t in pipeline
            if not str(t.get('type', '')).endswith('LoadImage')]


def _read_image(img: Any) -> tuple[np.ndarray, str]:
    if isinstance(img, str):
        from ..datasets.transforms.loading import LoadImage
        return LoadImage.read(img), img
    if not isinstance(img, np.ndarray):
        raise TypeError(f'img must be an image path or an (H, W, 3) uint8 BGR array, got '
                        f'{type(img).__name__}')
    if img.ndim == 2:
        img = np.repeat(img[..., None], 3, axis=2)
    if img.ndim != 3 or img.shape[2] != 3 or img.shape[0] < 1 or img.shape[1] < 1:
        raise ValueError(f'img must be an (H, W, 3) BGR array, got shape {img.shape}')
    if img.dtype != np.uint8:
        raise ValueError(f'img must be uint8, got {img.dtype}')
    return img, ''


def _check_bbox(bbox: Any, shape: tuple[int, ...]) -> np.ndarray:
    if bbox is None:
        return np.array([0, 0, shape[1], shape[0]], dtype=np.float32)
    box = np.asarray(bbox, dtype=np.float32).reshape(-1)
    if box.shape != (4,) or not np.all(np.isfinite(box)) or box[2] <= box[0] or \
            box[3] <= box[1]:
        raise ValueError(f'bbox must be x1 y1 x2 y2 (image px) with x2 > x1 and y2 > y1, '
                         f'got {np.asarray(bbox).tolist()}')
    return box


def inference_topdown(model: nn.Module, img: str | np.ndarray,
                      bbox: Sequence[float] | np.ndarray | None = None
                      ) -> PoseDataSample | list[PoseDataSample]:
    """Estimate the 2D and 3D pose of the person in ``bbox``.

    Args:
        model: a model from :func:`init_model` (it needs ``model.cfg``).
        img: an image path, or an (H, W, 3) uint8 BGR array (a 2D array is taken as grey).
        bbox: the person box x1 y1 x2 y2 in image px; the whole image when None. An
            (N, 4) array gives one result per box.

    Returns:
        A :class:`PoseDataSample` (a list for (N, 4) boxes) with ``pred_keypoints``
        (J, 2) image px, ``pred_scores`` (J,) and ``pred_keypoints_3d`` (J, 3)
        root-relative mm, plus the crop's metainfo (``bbox_center``, ``bbox_scale``, ...).
    """
    from mmengine.dataset import Compose, pseudo_collate

    from ..registry import TRANSFORMS  # noqa: F401  (locations import the transforms)

    cfg = getattr(model, 'cfg', None)
    if cfg is None:
        raise AttributeError('model has no .cfg: build it with wildpose.apis.init_model')
    image, path = _read_image(img)
    boxes = np.asarray(bbox, dtype=np.float32) if bbox is not None else None
    if boxes is not None and boxes.ndim == 2:
        return [inference_topdown(model, image, b) for b in boxes]
    box = _check_bbox(bbox, image.shape)
    pipeline = Compose([TRANSFORMS.build(t) for t in inference_pipeline_config(cfg)])
    data = dict(img=image, img_path=path, img_shape=image.shape[:2],
                ori_shape=image.shape[:2], bbox=box, sample_idx=0, img_id=0, has_3d=False,
                domain='', action='')  # no ground truth: no keypoints
    packed = pipeline(data)
    if packed is None:
        raise RuntimeError('the test pipeline dropped the image')
    model.eval()
    with torch.no_grad():
        result = model.test_step(pseudo_collate([packed]))[0]
    result.set_metainfo(dict(bbox=box))
    return result


def result_to_dict(sample: PoseDataSample) -> dict[str, Any]:
    """A JSON-ready dict of one result: joint names, 2D (image px), scores, 3D (mm)."""
    def arr(x: Any) -> np.ndarray:
        return x.detach().cpu().numpy() if hasattr(x, 'detach') else np.asarray(x)

    out = dict(joint_names=list(JOINT_NAMES),
               keypoints=arr(sample.pred_keypoints).astype(float).tolist(),
               scores=arr(sample.pred_scores).astype(float).tolist(),
               keypoints_3d=arr(sample.pred_keypoints_3d).astype(float).tolist(),
               units=dict(keypoints='image px', keypoints_3d='mm, root-relative (pelvis), '
                          'camera axes: x right, y down, z forward'))
    if 'bbox' in sample.metainfo:
        out['bbox'] = arr(sample.metainfo['bbox']).astype(float).tolist()
    return out
