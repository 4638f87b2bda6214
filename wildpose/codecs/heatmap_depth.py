"""The target convention of Zhou et al. (2017): heatmaps for 2D, normalised depth for 3D.

Units (docs/architecture.md): the pipeline gives joints in **input px** (the network's
crop) and root-relative depth in the same input px (``TopdownAffine`` scales the image-px
depth of ``DepthFromPose3D`` with the crop). The codec maps them to **heatmap px**
(``heatmap_size / input_size``) and normalises the depth to ``z_hm / (w_hm / 2)`` (about
[-1, 1]); decoding inverts both and gives the pose a metric size by rescaling its 14
bones to sum to ``bone_length_sum_mm`` (Human3.6M's mean skeleton by default).
"""
from __future__ import annotations

from typing import Any, NamedTuple, Sequence

import numpy as np
import torch
from torch import Tensor

from ..geometry.depth import denormalise_depth, normalise_depth
from ..geometry.heatmap import decode_argmax_torch, generate_gaussian_heatmaps
from ..geometry.metric_pose import pose_to_metric
from ..registry import KEYPOINT_CODECS
from ..structures.skeleton import H36M_BONE_LENGTH_SUM_MM, ROOT


class DecodedPoses(NamedTuple):
    """What a codec's :meth:`~HeatmapDepthCodec.decode` returns, for a batch of B.

    Attributes:
        keypoints: (B, J, 2) joints, input px (float64 unless asked otherwise).
        scores: (B, J) confidences.
        keypoints_3d: (B, J, 3) root-relative joints, mm (same dtype).
    """
    keypoints: Tensor
    scores: Tensor
    keypoints_3d: Tensor


def _size(value: Sequence[int], name: str) -> tuple[int, int]:
    if len(value) != 2 or min(int(v) for v in value) <= 0:
        raise ValueError(f'{name} must be (w, h) > 0, got {value!r}')
    return int(value[0]), int(value[1])


@KEYPOINT_CODECS.register_module()
class HeatmapDepthCodec:
    """Gaussian heatmaps and normalised depth; argmax decoding with a quarter-pixel shift.

    Args:
        input_size: (w, h) of the network input, px.
        heatmap_size: (w, h) of the heatmaps, px.
        sigma: Gaussian standard deviation, heatmap px.
        bone_length_sum_mm: total bone length a decoded pose is rescaled to, mm.
        thorax_midpoint: decode the thorax as the midpoint of pelvis and upper neck (the
            original authors' trick to stand where Human3.6M's spine joint is).
    """

    #: the keys :meth:`encode` adds to a pipeline sample (``PackPoseInputs`` packs them)
    encoded_keys: tuple[str, ...] = ('heatmaps', 'heatmap_weights', 'keypoints_hm',
                                     'keypoint_weights', 'depth_target', 'depth_weights')

    def __init__(self, input_size: Sequence[int], heatmap_size: Sequence[int],
                 sigma: float = 2.0, bone_length_sum_mm: float = H36M_BONE_LENGTH_SUM_MM,
                 thorax_midpoint: bool = False) -> None:
        self.input_size = _size(input_size, 'input_size')
        self.heatmap_size = _size(heatmap_size, 'heatmap_size')
        if sigma <= 0:
            raise ValueError(f'sigma must be > 0, got {sigma}')
        self.sigma = float(sigma)
        self.bone_length_sum_mm = float(bone_length_sum_mm)
        self.thorax_midpoint = bool(thorax_midpoint)

    @property
    def scale(self) -> np.ndarray:
        """(2,) heatmap px per input px along x and y."""
        return np.array([self.heatmap_size[0] / self.input_size[0],
                         self.heatmap_size[1] / self.input_size[1]], dtype=np.float32)

    # ------------------------------------------------------------------ encoding
    def encode_keypoints(self, keypoints: np.ndarray, keypoints_visible: np.ndarray,
                         keypoints_depth: np.ndarray | None, has_3d: bool
                         ) -> dict[str, np.ndarray]:
        """The targets every codec shares: positions and normalised depth.

        Returns ``keypoints_hm`` (J, 2) heatmap px, ``keypoint_weights`` (J,) = visible
        and inside the heatmap (a position loss cannot reach a joint outside it),
        ``depth_target`` (J,) and ``depth_weights`` (J,) = visible and ``has_3d``.
        """
        kpts_hm = np.asarray(keypoints, dtype=np.float32).reshape(-1, 2) * self.scale
        visible = np.asarray(keypoints_visible, dtype=np.float32).reshape(-1)
        if keypoints_depth is None:
            keypoints_depth = np.zeros(len(visible), np.float32)
        depth_in = np.asarray(keypoints_depth, dtype=np.float32).reshape(-1)
        w_hm, h_hm = self.heatmap_size
        inside = np.isfinite(kpts_hm).all(-1) & (kpts_hm[:, 0] >= 0) & \
            (kpts_hm[:, 0] <= w_hm - 1) & (kpts_hm[:, 1] >= 0) & (kpts_hm[:, 1] <= h_hm - 1)
        return dict(
            keypoints_hm=kpts_hm,
            keypoint_weights=((visible > 0) & inside).astype(np.float32),
            depth_target=normalise_depth(depth_in * self.scale[0], w_hm).astype(np.float32),
            depth_weights=((visible > 0) & bool(has_3d)).astype(np.float32))

    def encode(self, keypoints: np.ndarray, keypoints_visible: np.ndarray,
               keypoints_depth: np.ndarray | None = None, has_3d: bool = False
               ) -> dict[str, np.ndarray]:
        """Training targets of one person.

        Args:
            keypoints: (J, 2) joints, input px.
            keypoints_visible: (J,) > 0 for labelled joints.
            keypoints_depth: (J,) root-relative depth, input px (None: no 3D labels).
            has_3d: whether the depth is a label (else its weights are 0).

        Returns:
            ``encoded_keys``: heatmaps (J, h, w) float32 and heatmap_weights (J,) (0 for
            unlabelled joints or joints whose Gaussian misses the map), keypoints_hm,
            keypoint_weights, depth_target, depth_weights (see :meth:`encode_keypoints`).
        """
        out = self.encode_keypoints(keypoints, keypoints_visible, keypoints_depth, has_3d)
        out['heatmaps'], out['heatmap_weights'] = generate_gaussian_heatmaps(
            out['keypoints_hm'], keypoints_visible, self.heatmap_size, self.sigma)
        return out

    # ------------------------------------------------------------------ decoding
    def decode_heatmaps(self, heatmaps: Tensor) -> tuple[Tensor, Tensor]:
        """(B, J, h, w) -> positions (B, J, 2) heatmap px and scores (B, J)."""
        return decode_argmax_torch(heatmaps)

    def decode(self, heatmaps: Tensor, depth: Tensor, dtype: torch.dtype = torch.float64
               ) -> DecodedPoses:
        """Predictions of a batch back to input px and metric 3D (tensors only, so that
        it exports: ``wildpose.apis.export``).

        Args:
            heatmaps: (B, J, h, w) last-stack heatmaps.
            depth: (B, J) normalised depths.
            dtype: precision of the positions and of the metric pose (float64 for
                evaluation; float32 for an exported graph).
        """
        coords_hm, scores = self.decode_heatmaps(heatmaps.float())
        w_hm = heatmaps.shape[-1]
        z_hm = denormalise_depth(depth.float(), w_hm)
        pose_hm = torch.cat([coords_hm, z_hm[..., None]], dim=-1).to(dtype)
        pose_mm = pose_to_metric(pose_hm, self.bone_length_sum_mm, ROOT, self.thorax_midpoint)
        h_hm = heatmaps.shape[-2]
        to_input = torch.tensor([self.input_size[0] / w_hm, self.input_size[1] / h_hm],
                                dtype=dtype, device=coords_hm.device)
        return DecodedPoses(coords_hm.to(dtype) * to_input, scores, pose_mm)

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(input_size={self.input_size}, heatmap_size='
                f'{self.heatmap_size}, sigma={self.sigma})')


def build_codec(cfg: Any) -> HeatmapDepthCodec:
    """A codec from its config dict (or the codec itself)."""
    if isinstance(cfg, HeatmapDepthCodec):
        return cfg
    return KEYPOINT_CODECS.build(cfg)
