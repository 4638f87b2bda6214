"""The codecs: encode then decode gives back the joints (input px) and the metric pose."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from wildpose.codecs import HeatmapDepthCodec, IntegralDepthCodec, build_codec
from wildpose.geometry.metric_pose import pose_to_metric
from wildpose.structures.skeleton import NUM_JOINTS, ROOT

J = NUM_JOINTS


def _joints(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return (rng.uniform(10, 118, (J, 2)).astype(np.float32),
            rng.uniform(-20, 20, J).astype(np.float32))


def test_heatmap_codec_round_trip_in_input_px_and_mm():
    codec = HeatmapDepthCodec(input_size=(128, 96), heatmap_size=(32, 24), sigma=1.0)
    kpts, depth = _joints()
    kpts[:, 1] *= 0.75
    enc = codec.encode(kpts, np.ones(J), depth, has_3d=True)
    assert set(enc) == set(codec.encoded_keys)
    assert enc['heatmaps'].shape == (J, 24, 32)
    np.testing.assert_allclose(enc['keypoints_hm'], kpts / 4, rtol=1e-6)
    np.testing.assert_allclose(enc['depth_target'], depth / 4 / 16, rtol=1e-5)
    dec = codec.decode(torch.from_numpy(enc['heatmaps'])[None],
                       torch.from_numpy(enc['depth_target'])[None])
    assert dec.keypoints.shape == (1, J, 2) and dec.keypoints.dtype == torch.float64
    # argmax + quarter-pixel shift: within 0.25 heatmap px = 1 input px
    assert (dec.keypoints[0].numpy() - kpts).__abs__().max() <= 1.0 + 1e-4
    # the metric pose is the decoded (x, y, z) rescaled to the reference bone-length sum
    pose = torch.cat([dec.keypoints[0] / 4, torch.from_numpy(depth / 4)[:, None].double()], 1)
    want = pose_to_metric(pose[None], codec.bone_length_sum_mm, ROOT)[0]
    torch.testing.assert_close(dec.keypoints_3d[0], want)
    assert torch.allclose(dec.keypoints_3d[0, ROOT], torch.zeros(3, dtype=torch.float64))


def test_weights_follow_visibility_labels_and_the_heatmap_border():
    codec = HeatmapDepthCodec(input_size=(128, 128), heatmap_size=(32, 32))
    kpts, depth = _joints(1)
    kpts[0] = [-30, 50]      # outside the crop
    visible = np.ones(J)
    visible[1] = 0
    enc = codec.encode(kpts, visible, depth, has_3d=False)
    assert enc['keypoint_weights'][0] == 0 and enc['keypoint_weights'][1] == 0
    assert enc['keypoint_weights'][2:].all()
    assert not enc['depth_weights'].any()   # no 3D labels
    assert enc['heatmap_weights'][1] == 0 and not enc['heatmaps'][1].any()
    assert codec.encode(kpts, visible, None, True)['depth_target'].tolist() == [0.0] * J


def test_integral_codec_decodes_by_soft_argmax_with_its_beta():
    codec = IntegralDepthCodec(input_size=(64, 64), heatmap_size=(16, 16), beta=3.0)
    enc = codec.encode(*_joints()[:1], np.ones(J), None, False)
    assert 'heatmaps' not in enc and set(enc) == set(codec.encoded_keys)
    logits = torch.full((1, J, 16, 16), -10.0)
    logits[0, :, 5, 7] = 10.0
    dec = codec.decode(logits, torch.zeros(1, J))
    torch.testing.assert_close(dec.keypoints[0], torch.tensor([[28.0, 20.0]] * J,
                                                              dtype=torch.float64),
                               atol=1e-3, rtol=0)
    # a flatter map: the temperature matters, and the same beta is used as in training
    flat = torch.zeros(1, 1, 16, 16)
    flat[0, 0, 0, 0] = 1.0
    from wildpose.ops import soft_argmax
    want = soft_argmax(flat, beta=3.0)
    got = IntegralDepthCodec(input_size=(16, 16), heatmap_size=(16, 16),
                             beta=3.0).decode_heatmaps(flat)[0]
    torch.testing.assert_close(got, want)


def test_codecs_are_built_from_config_and_check_their_arguments():
    codec = build_codec(dict(type='HeatmapDepthCodec', input_size=(64, 64),
                             heatmap_size=(16, 16)))
    assert isinstance(codec, HeatmapDepthCodec) and build_codec(codec) is codec
    with pytest.raises(ValueError, match='heatmap_size'):
        HeatmapDepthCodec(input_size=(64, 64), heatmap_size=(0, 16))
    with pytest.raises(ValueError, match='beta'):
        IntegralDepthCodec(beta=0.0, input_size=(64, 64), heatmap_size=(16, 16))
    with pytest.raises(KeyError, match='HeatmapDepthCodek'):
        build_codec(dict(type='HeatmapDepthCodek', input_size=(64, 64), heatmap_size=(16, 16)))
