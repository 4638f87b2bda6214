"""The weakly-supervised 3D pose estimator of Zhou et al. (ICCV 2017).

One network, trained end to end on mixed batches: every sample gets the 2D heatmap loss
(all stacks); samples with 3D labels get the depth L2 loss; 2D-only samples get the
geometric (bone-ratio) constraint on their predicted depths.
"""
from __future__ import annotations

import contextlib
from typing import Any

import numpy as np
import torch
from mmengine.model import BaseModel
from torch import Tensor

from ...codecs import build_codec
from ...geometry.affine import get_warp_matrix, transform_points
from ...geometry.depth import normalise_depth
from ...registry import MODELS
from ...structures import PoseSample
from ...structures.skeleton import flip_indices

DEFAULT_TEST_CFG: dict[str, Any] = dict(
    flip_test=False,        # average with the prediction on the mirrored crop
)


def _stack(data_samples: list[PoseSample], field: str) -> Tensor:
    try:
        return torch.stack([getattr(ds, field) for ds in data_samples])
    except AttributeError as err:
        raise KeyError(f"training samples lack '{field}': does the train pipeline end with "
                       'GenerateTarget (with the model\'s codec) and PackPoseInputs?') from err


@MODELS.register_module()
class Weak3DPoseEstimator(BaseModel):
    """Stacked hourglass + heatmap head + depth-regression head, trained on mixed data.

    Args:
        backbone: config of the backbone (e.g. ``HourglassNet``); its ``forward(x, fn)``
            calls ``fn(i, features_i)`` for the stack-i heatmaps.
        head_2d: config of the heatmap head (``StackedHeatmapHead``).
        head_depth: config of the depth head (``DepthRegressionHead``, ``DepthMapHead``); a
            head class that sets ``needs_in_size = True`` gets the codec's heatmap size as
            ``in_size``, one that sets ``reads_heatmaps = True`` is called with the last
            stack's heatmaps besides the merged features.
        loss_2d: heatmap loss, applied to every stack's heatmaps and summed.
        loss_depth: depth loss on samples with 3D labels.
        loss_geo: geometric constraint on 2D-only samples (``None`` disables it).
        codec: the target convention (e.g. ``HeatmapDepthCodec``), the same config as the
            pipeline's ``GenerateTarget(encoder=codec)``; predictions are decoded with it.
        data_preprocessor: e.g. ``ImgDataPreprocessor`` with mean/std and bgr_to_rgb.
        test_cfg: test-time options, see ``DEFAULT_TEST_CFG``.
        channels_last: keep weights and activations in the channels-last memory layout
            (NHWC), which PyTorch's CPU convolutions run faster; results are the same.
    """

    def __init__(self, backbone: dict, head_2d: dict, head_depth: dict, codec: dict,
                 loss_2d: dict | None = None, loss_depth: dict | None = None,
                 loss_geo: dict | None = None, data_preprocessor: dict | None = None,
                 test_cfg: dict | None = None, init_cfg: dict | None = None,
                 channels_last: bool = False) -> None:
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.codec = build_codec(codec)
        self.backbone = MODELS.build(backbone)
        self.head_2d = MODELS.build(head_2d)
        self.head_depth = MODELS.build(self._with_heatmap_size(head_depth))
        self.loss_2d = MODELS.build(loss_2d or dict(type='KeypointMSELoss'))
        self.loss_depth = MODELS.build(loss_depth or dict(type='DepthL2Loss'))
        self.loss_geo = MODELS.build(loss_geo) if loss_geo else None
        unknown = set(test_cfg or {}) - set(DEFAULT_TEST_CFG)
        if unknown:
            raise KeyError(f'unknown test_cfg keys {sorted(unknown)}; '
                           f'known: {sorted(DEFAULT_TEST_CFG)}')
        self.test_cfg = {**DEFAULT_TEST_CFG, **(test_cfg or {})}
        self.channels_last = channels_last
        #: autocast dtype for inference (set by wildpose.models.fast_inference); training
        #: precision belongs to the optim wrapper (AutocastOptimWrapper, AmpOptimWrapper)
        self.inference_autocast_dtype: torch.dtype | None = None
        if channels_last:
            self.to(memory_format=torch.channels_last)

    def _with_heatmap_size(self, head: dict) -> dict:
        """A head that declares ``needs_in_size`` gets the codec's heatmap size as its
        ``in_size`` (w, h) unless its config sets one: the size is written once, in the
        codec."""
        cls = MODELS.get(head['type']) if isinstance(head['type'], str) else head['type']
        if getattr(cls, 'needs_in_size', False):
            return {'in_size': self.codec.heatmap_size, **head}
        return dict(head)

    # ------------------------------------------------------------------ forward passes
    def _forward(self, inputs: Tensor) -> tuple[list[Tensor], Tensor]:
        """(B, 3, H, W) -> per-stack heatmaps [(B, J, h, w)], depths (B, J) normalised.

        The outputs have the network's working precision (bfloat16 under autocast or with
        bfloat16 weights); :meth:`_network_outputs` gives them in float32.
        """
        if self.channels_last:
            inputs = inputs.contiguous(memory_format=torch.channels_last)
        weight_dtype = next(self.backbone.parameters()).dtype
        if inputs.dtype != weight_dtype:  # bf16 weights (wildpose.models.fast_inference)
            inputs = inputs.to(weight_dtype)
        out = self.backbone(inputs, self.head_2d.forward_stack)
        if getattr(self.head_depth, 'reads_heatmaps', False):  # declared by the head
            return out.heatmaps, self.head_depth(out.merged, out.heatmaps[-1])
        return out.heatmaps, self.head_depth(out.merged)

    def _network_outputs(self, inputs: Tensor) -> tuple[list[Tensor], Tensor]:
        """:meth:`_forward` under the inference autocast (if set), outputs in float32:
        losses and decoding always run in float32."""
        dtype = self.inference_autocast_dtype
        # only ever *enter* an autocast region here: a disabled torch.autocast context
        # would switch off the training autocast of the optim wrapper around us
        region = (torch.autocast(inputs.device.type, dtype=dtype)
                  if dtype is not None and not self.training else contextlib.nullcontext())
        with region:
            heatmaps, depth = self._forward(inputs)
        return [h.float() for h in heatmaps], depth.float()

    def forward(self, inputs: Tensor, data_samples: list[PoseSample] | None = None,
                mode: str = 'tensor') -> Any:
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self._forward(inputs)
        raise ValueError(f"invalid mode {mode!r}: use 'loss', 'predict' or 'tensor'")

    def loss(self, inputs: Tensor, data_samples: list[PoseSample]) -> dict[str, Tensor]:
        """Route each sample's losses by whether it has 3D labels."""
        heatmaps, depth = self._network_outputs(inputs)
        # the 2D loss says which targets it reads (heatmaps, or positions for integral)
        target, target_weight = (_stack(data_samples, f) for f in self.loss_2d.target_fields)
        losses: dict[str, Tensor] = {}
        losses['loss_2d'] = sum(self.loss_2d(h, target, target_weight) for h in heatmaps)
        has_3d = torch.tensor([bool(ds.metainfo.get('has_3d', False)) for ds in data_samples],
                              device=depth.device)
        depth_weights = _stack(data_samples, 'gt_depth_weights') * has_3d[:, None]
        losses['loss_depth'] = self.loss_depth(depth, _stack(data_samples, 'gt_depth'),
                                               depth_weights)
        if self.loss_geo is not None:
            # xy and z must share units: the 2D joints get the depth target's scaling
            xy = normalise_depth(_stack(data_samples, 'gt_keypoints_hm'),
                                 heatmaps[-1].shape[-1])
            visible = _stack(data_samples, 'gt_keypoints_visible')
            losses['loss_geo'] = self.loss_geo(xy, depth, visible, has_3d)
        return losses

    # ------------------------------------------------------------------ inference
    @torch.no_grad()
    def _predict_maps(self, inputs: Tensor, perm: list[int] | None = None
                      ) -> tuple[Tensor, Tensor]:
        """Last-stack heatmaps (B, J, h, w) and depths (B, J), flip-averaged if asked
        (``perm``: the left/right permutation of the joints; default the skeleton's)."""
        heatmaps, depth = self._network_outputs(inputs)
        hm = heatmaps[-1]
        if self.test_cfg['flip_test']:
            perm = flip_indices() if perm is None else perm
            f_heatmaps, f_depth = self._network_outputs(inputs.flip(-1))
            hm = 0.5 * (hm + f_heatmaps[-1].flip(-1)[:, perm])
            depth = 0.5 * (depth + f_depth[:, perm])
        return hm, depth

    def predict(self, inputs: Tensor, data_samples: list[PoseSample]
                ) -> list[PoseSample]:
        """Decode 2D joints (image px) and root-relative 3D joints (mm) for each sample."""
        perm = list(data_samples[0].metainfo.get('flip_indices', flip_indices()))
        decoded = self.codec.decode(*self._predict_maps(inputs, perm))
        coords_in = decoded.keypoints.cpu().numpy()
        pose_mm = decoded.keypoints_3d.float().cpu().numpy()
        scores = decoded.scores.float().cpu().numpy()
        for i, ds in enumerate(data_samples):
            inv = get_warp_matrix(np.asarray(ds.metainfo['input_center']),
                                  np.asarray(ds.metainfo['input_scale']),
                                  float(ds.metainfo.get('bbox_rotation', 0.0)),
                                  tuple(ds.metainfo['input_size']), inv=True)
            ds.pred_keypoints = transform_points(coords_in[i], inv).astype(np.float32)
            ds.pred_scores = scores[i]
            ds.pred_keypoints_3d = pose_mm[i]
        return data_samples
