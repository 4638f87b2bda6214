"""The One-Euro filter: jitter reduced, lag within the stated bound, state per track."""
from __future__ import annotations

import math

import numpy as np
import pytest

from wildpose.apis.smoothing import OneEuroFilter, TrackSmoother


def _run(filt: OneEuroFilter, signal: np.ndarray, fps: float) -> np.ndarray:
    return np.stack([filt(x, i / fps) for i, x in enumerate(signal)])


@pytest.mark.parametrize('fps', [25.0, 60.0])
@pytest.mark.parametrize('speed', [0.0, 40.0, 400.0])
def test_constant_speed_lag_is_within_the_stated_bound(fps, speed):
    """No noise: after settling, the output trails the ramp by e = v tau(f_c), with the
    speed estimate (x - x_hat_prev) / dt = v + e / dt; so e <= lag_bound(v)."""
    filt = OneEuroFilter(min_cutoff=1.0, beta=0.01, d_cutoff=1.0)
    t = np.arange(int(6 * fps)) / fps
    out = _run(filt, (speed * t)[:, None], fps)[:, 0]
    lag = speed * t[-1] - out[-1]
    cutoff = 1.0 + 0.01 * (speed + lag * fps)
    assert lag == pytest.approx(speed / (2 * math.pi * cutoff), rel=1e-3, abs=1e-9)
    assert lag <= filt.lag_bound(speed) + 1e-9
    # and the bound never exceeds 1 / (2 pi beta)
    assert filt.lag_bound(1e9) < 1 / (2 * math.pi * 0.01)


def test_jitter_is_reduced_and_lag_stays_under_the_bound():
    rng = np.random.default_rng(0)
    fps, speed, sigma = 30.0, 60.0, 3.0  # px/s and px of jitter
    t = np.arange(300) / fps
    truth = np.stack([speed * t, 100 + 0 * t], axis=1)  # moving in x, still in y
    noisy = truth + rng.normal(0, sigma, truth.shape)
    filt = OneEuroFilter(min_cutoff=1.0, beta=0.01)
    out = _run(filt, noisy, fps)
    settled = slice(60, None)
    err = out[settled] - truth[settled]
    # jitter: the spread around the (lagged) truth at least 1.8x smaller than the input's
    assert err.std(axis=0).max() < sigma / 1.8
    # lag: the mean offset along the motion stays within the bound for this speed (noise
    # only raises the speed estimate, hence the cut-off, hence shortens the lag)
    lag = -err[:, 0].mean()
    assert 0 < lag <= filt.lag_bound(speed) * 1.05
    assert abs(err[:, 1].mean()) < 0.5  # no offset where nothing moves


def test_missing_values_pass_through_and_do_not_disturb():
    filt = OneEuroFilter(min_cutoff=1.0)
    a = filt(np.array([0.0, np.nan]), 0.0)
    assert a[0] == 0 and np.isnan(a[1])
    b = filt(np.array([np.nan, 5.0]), 0.1)  # first value of element 1: taken as is
    assert np.isnan(b[0]) and b[1] == 5.0
    c = filt(np.array([1.0, 5.0]), 0.2)
    assert 0 < c[0] < 1 and c[1] == 5.0  # element 0 filtered from its last value (0)
    with pytest.raises(ValueError, match='time must increase'):
        filt(np.array([1.0, 5.0]), 0.2)
    with pytest.raises(ValueError, match='shape'):
        filt(np.zeros(3), 0.3)
    with pytest.raises(ValueError, match='min_cutoff'):
        OneEuroFilter(min_cutoff=0)


def test_track_smoother_keeps_one_state_per_track_and_field():
    sm = TrackSmoother({'keypoints': dict(min_cutoff=0.5)})
    sm.smooth(0, 'keypoints', np.array([0.0]), 0.0)
    sm.smooth(1, 'keypoints', np.array([100.0]), 0.0)
    a = sm.smooth(0, 'keypoints', np.array([10.0]), 0.1)
    b = sm.smooth(1, 'keypoints', np.array([100.0]), 0.1)
    assert 0 < a[0] < 10 and b[0] == 100.0  # track 1 untouched by track 0
    assert sm.smooth(0, 'other', np.array([7.0]), 0.1)[0] == 7.0  # not a smoothed field
    sm.drop([0])
    assert sm.smooth(0, 'keypoints', np.array([50.0]), 0.2)[0] == 50.0  # fresh filter
