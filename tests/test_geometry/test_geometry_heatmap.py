import numpy as np
import pytest
import torch

from wildpose.geometry.heatmap import (decode_argmax, decode_argmax_torch,
                                       generate_gaussian_heatmaps)


def test_heatmap_peak_at_the_keypoint():
    kpts = np.array([[5.0, 7.0], [20.0, 3.0]])
    hms, w = generate_gaussian_heatmaps(kpts, np.ones(2), (32, 24), sigma=2.0)
    assert hms.shape == (2, 24, 32) and hms.dtype == np.float32
    np.testing.assert_array_equal(w, [1, 1])
    for j, (x, y) in enumerate(kpts.astype(int)):
        assert np.unravel_index(hms[j].argmax(), hms[j].shape) == (y, x)
        assert hms[j, y, x] == pytest.approx(1.0)
    # value one sigma away
    assert hms[0, 7, 7] == pytest.approx(np.exp(-0.5), rel=1e-5)


def test_invisible_and_out_of_map_joints_get_weight_zero():
    kpts = np.array([[5.0, 5.0], [-10.0, 5.0], [5.0, 40.0], [33.0, 5.0], [np.nan, 1.0]])
    vis = np.array([0, 1, 1, 1, 1])
    hms, w = generate_gaussian_heatmaps(kpts, vis, (32, 32), sigma=2.0)
    np.testing.assert_array_equal(w, [0, 0, 0, 1, 0])  # x=33 still touches the map
    assert hms[[0, 1, 2, 4]].max() == 0
    assert hms[3].max() > 0


@pytest.mark.parametrize('sigma', [1.0, 2.0])
def test_decode_argmax_recovers_subpixel_positions(sigma):
    rng = np.random.default_rng(0)
    kpts = rng.uniform(3, 28, (16, 2))
    hms, _ = generate_gaussian_heatmaps(kpts, np.ones(16), (32, 32), sigma)
    coords, scores = decode_argmax(hms)
    assert np.abs(coords - kpts).max() < 0.3
    t_coords, t_scores = decode_argmax_torch(torch.from_numpy(hms)[None].repeat(2, 1, 1, 1))
    assert t_coords.shape == (2, 16, 2) and t_scores.shape == (2, 16)
    np.testing.assert_allclose(t_coords[0].numpy(), coords, atol=1e-6)
    np.testing.assert_allclose(t_scores[1].numpy(), scores, atol=1e-6)
    assert (t_coords - torch.from_numpy(kpts).float()).abs().max() < 0.3


def test_decode_quarter_shift_and_border():
    hm = torch.zeros(1, 2, 8, 8)
    hm[0, 0, 4, 4] = 1.0
    hm[0, 0, 4, 5] = 0.5   # right neighbour higher -> +0.25 in x
    hm[0, 0, 3, 4] = 0.2   # upper neighbour higher -> -0.25 in y
    hm[0, 1, 0, 7] = 1.0   # corner: no shift
    hm[0, 1, 0, 6] = 0.9
    coords, scores = decode_argmax_torch(hm)
    torch.testing.assert_close(coords[0], torch.tensor([[4.25, 3.75], [7.0, 0.0]]))
    torch.testing.assert_close(scores[0], torch.tensor([1.0, 1.0]))
