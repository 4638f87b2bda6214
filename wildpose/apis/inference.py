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
import warnings
import weakref
from typing import Any, Sequence

import numpy as np
import torch
from torch import nn

from ..structures import PoseSample
from ..structures.skeleton import JOINT_NAMES
from ..utils.arrays import to_numpy


def _load_config(config: Any, cfg_options: dict | None):
    """The tools' loader (overrides, data_root, checks); a config needs a ``model``."""
    from ..engine.config_loader import load_config

    cfg = load_config(config, cfg_options)
    if 'model' not in cfg:
        raise KeyError(f"config {cfg.filename} has no 'model' entry")
    return cfg


def init_model(config: Any, checkpoint: str | None = None, device: str = 'cpu',
               cfg_options: dict | None = None, fast: dict | None = None) -> nn.Module:
    """Build the model of ``config`` (path or Config), load ``checkpoint`` and put it in
    eval mode on ``device``.

    The checkpoint is read weights-only; a file that does not fit the model (missing
    weights, other shapes) raises :class:`wildpose.engine.checkpoint.CheckpointError`
    naming the file, unless the config's ``load_from_may_differ`` lists the prefixes of
    the weights that may differ (as for ``tools/train.py`` and ``tools/test.py``).
    Without a checkpoint the weights stay as initialised. The config is kept as
    ``model.cfg`` (``inference_topdown`` takes its test pipeline from it).

    Args:
        cfg_options: overrides merged into the config, e.g.
            ``{'model.test_cfg.flip_test': True}``.
        fast: keyword arguments of
            :func:`~wildpose.models.fast_inference.optimise_for_inference` (folded batch
            norms, channels-last, bfloat16, compile), applied after loading; None keeps
            the float32 model as built.
    """
    from ..engine.checkpoint import load_into, load_state_dict
    from ..registry import MODELS
    from ..utils import register_all_modules

    register_all_modules()
    cfg = _load_config(config, cfg_options)
    model = MODELS.build(cfg.model)
    if checkpoint is not None:  # the policy of tools/train.py and tools/test.py
        may_differ = tuple(cfg.get('load_from_may_differ') or ())
        kept = load_into(model, checkpoint, load_state_dict(checkpoint), may_differ)
        if kept:
            warnings.warn(f'{len(kept)} weights under {list(may_differ)} keep their initial '
                          f'values (absent from {checkpoint} or of another shape)')
    model.cfg = cfg
    model = model.to(device).eval()
    if fast is not None:
        from ..models.fast_inference import optimise_for_inference
        optimise_for_inference(model, **fast)
    return model


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
    from ..datasets.transforms.loading import LoadImage
    from ..registry import TRANSFORMS

    def reads_file(t: dict) -> bool:
        cls = TRANSFORMS.get(t['type']) if isinstance(t.get('type'), str) else t.get('type')
        return isinstance(cls, type) and issubclass(cls, LoadImage)
    return [copy.deepcopy(dict(t)) for t in pipeline if not reads_file(t)]


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


#: a box side longer than this many times the image's longer side is refused
MAX_BOX_FACTOR = 4.0
#: a box with less than this share of its area inside the image gets a warning
MIN_INSIDE_SHARE = 0.5


def check_bbox(bbox: Any, shape: tuple[int, ...]) -> np.ndarray:
    """The person box as (4,) float32 x1 y1 x2 y2, image px, under one rule:

    * refused (``ValueError``): not 4 finite numbers, empty or negative, wholly outside
      the image, or a side longer than ``MAX_BOX_FACTOR`` times the image's longer side
      (the crop would hold the person at a few pixels, if at all);
    * warned about (``UserWarning``): less than ``MIN_INSIDE_SHARE`` of its area inside
      the image (the joints found there may lie outside the image).

    ``None`` is the whole image.
    """
    height, width = shape[:2]
    if bbox is None:
        return np.array([0, 0, width, height], dtype=np.float32)
    box = np.asarray(bbox, dtype=np.float32).reshape(-1)
    given = np.asarray(bbox).tolist()
    if box.shape != (4,) or not np.all(np.isfinite(box)) or box[2] <= box[0] or \
            box[3] <= box[1]:
        raise ValueError(f'bbox must be x1 y1 x2 y2 (image px) with x2 > x1 and y2 > y1, '
                         f'got {given}')
    x1, y1, x2, y2 = (float(v) for v in box)
    inside_w = max(0.0, min(x2, width) - max(x1, 0.0))
    inside_h = max(0.0, min(y2, height) - max(y1, 0.0))
    if inside_w * inside_h == 0:
        raise ValueError(f'bbox {given} lies wholly outside the {width}x{height} image')
    limit = MAX_BOX_FACTOR * max(width, height)
    if x2 - x1 > limit or y2 - y1 > limit:
        raise ValueError(f'bbox {given} is {x2 - x1:.4g} x {y2 - y1:.4g} px, more than '
                         f'{MAX_BOX_FACTOR:g} times the {width}x{height} image')
    share = inside_w * inside_h / ((x2 - x1) * (y2 - y1))
    if share < MIN_INSIDE_SHARE:
        warnings.warn(f'bbox {given}: only {100 * share:.0f}% of it lies inside the '
                      f'{width}x{height} image; joints may be placed outside the image',
                      stacklevel=3)
    return box


_PIPELINES: 'weakref.WeakKeyDictionary[nn.Module, tuple[int, Any]]' = weakref.WeakKeyDictionary()


def _test_pipeline(model: nn.Module) -> Any:
    """The model's test pipeline (without image loading), built once per model config."""
    from mmengine.dataset import Compose

    from ..registry import TRANSFORMS  # noqa: F401  (locations import the transforms)

    cfg = getattr(model, 'cfg', None)
    if cfg is None:
        raise AttributeError('model has no .cfg: build it with wildpose.apis.init_model')
    cached = _PIPELINES.get(model)
    if cached is None or cached[0] != id(cfg):
        cached = (id(cfg), Compose([TRANSFORMS.build(t) for t in inference_pipeline_config(cfg)]))
        _PIPELINES[model] = cached
    return cached[1]


def inference_topdown(model: nn.Module, img: str | np.ndarray,
                      bbox: Sequence[float] | np.ndarray | None = None
                      ) -> PoseSample | list[PoseSample]:
    """Estimate the 2D and 3D pose of the person in ``bbox``.

    Args:
        model: a model from :func:`init_model` (it needs ``model.cfg``).
        img: an image path, or an (H, W, 3) uint8 BGR array (a 2D array is taken as grey).
        bbox: the person box x1 y1 x2 y2 in image px; the whole image when None. An
            (N, 4) array gives one result per box, all run as one batch. See
            :func:`check_bbox` for the boxes refused (wholly outside the image, absurdly
            large) and warned about.

    Returns:
        A :class:`PoseSample` (a list for (N, 4) boxes) with ``pred_keypoints``
        (J, 2) image px, ``pred_scores`` (J,) and ``pred_keypoints_3d`` (J, 3)
        root-relative mm, plus the crop's metainfo (``bbox_center``, ``bbox_scale``, ...).
    """
    from mmengine.dataset import pseudo_collate

    pipeline = _test_pipeline(model)
    image, path = _read_image(img)
    many = bbox is not None and np.asarray(bbox).ndim == 2
    boxes = [check_bbox(b, image.shape) for b in np.asarray(bbox)] if many else \
        [check_bbox(bbox, image.shape)]
    if not boxes:
        return []
    packed = []
    for box in boxes:
        data = dict(img=image, img_path=path, img_shape=image.shape[:2],
                    ori_shape=image.shape[:2], bbox=box, sample_idx=0, img_id=0,
                    has_3d=False, domain='', action='')  # no ground truth: no keypoints
        packed.append(pipeline(data))
        if packed[-1] is None:
            raise RuntimeError('the test pipeline dropped the image')
    model.eval()
    with torch.no_grad():
        results = model.test_step(pseudo_collate(packed))
    for result, box in zip(results, boxes):
        result.set_metainfo(dict(bbox=box))
    return results if many else results[0]


def result_to_dict(sample: PoseSample) -> dict[str, Any]:
    """A JSON-ready dict of one result: joint names, 2D (image px), scores, 3D (mm)."""
    arr = to_numpy
    out = dict(joint_names=list(JOINT_NAMES),
               keypoints=arr(sample.pred_keypoints).astype(float).tolist(),
               scores=arr(sample.pred_scores).astype(float).tolist(),
               keypoints_3d=arr(sample.pred_keypoints_3d).astype(float).tolist(),
               units=dict(keypoints='image px', keypoints_3d='mm, root-relative (pelvis), '
                          'camera axes: x right, y down, z forward'))
    if 'bbox' in sample.metainfo:
        out['bbox'] = arr(sample.metainfo['bbox']).astype(float).tolist()
    return out
