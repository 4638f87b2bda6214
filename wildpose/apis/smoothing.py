"""Smoothing joints over time: the One-Euro filter (Casiez, Roussel and Vogel, CHI 2012).

A first-order low-pass filter whose cut-off rises with the signal's speed: slow motion
(jitter) is smoothed hard, fast motion follows with little lag. Per element of an array,
with real time stamps (seconds):

    tau(f) = 1 / (2 pi f),   alpha(f, dt) = 1 / (1 + tau(f) / dt)
    dx_hat = alpha(d_cutoff) (x - x_hat_prev) / dt + (1 - alpha(d_cutoff)) dx_hat_prev
    f_c    = min_cutoff + beta |dx_hat|
    x_hat  = alpha(f_c) x + (1 - alpha(f_c)) x_hat_prev

The lag bound: on a motion of constant speed v (units per second), the filtered value
settles at a distance e behind the signal with ``e = v / (2 pi f_c)``, where the speed
estimate is ``v + e / dt`` (the difference to the last *filtered* value, as in the
paper), so ``f_c >= min_cutoff + beta |v|`` and

    e <= |v| / (2 pi (min_cutoff + beta |v|))  <=  1 / (2 pi beta)

at any frame rate and speed (:meth:`OneEuroFilter.lag_bound`).
"""
from __future__ import annotations

import math

import numpy as np


class OneEuroFilter:
    """One-Euro filter over arrays of a fixed shape (each element on its own).

    Args:
        min_cutoff: cut-off at rest, Hz (lower: smoother, more lag when slow).
        beta: cut-off added per unit of speed, Hz per (unit / s) (higher: less lag when fast).
        d_cutoff: cut-off of the speed estimate, Hz.
    """

    def __init__(self, min_cutoff: float = 1.0, beta: float = 0.0,
                 d_cutoff: float = 1.0) -> None:
        if min_cutoff <= 0 or d_cutoff <= 0 or beta < 0:
            raise ValueError('OneEuroFilter needs min_cutoff > 0, d_cutoff > 0, beta >= 0, got '
                             f'{min_cutoff}, {d_cutoff}, {beta}')
        self.min_cutoff = float(min_cutoff)
        self.beta = float(beta)
        self.d_cutoff = float(d_cutoff)
        self.reset()

    def reset(self) -> None:
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t: float | None = None

    @staticmethod
    def _alpha(cutoff: np.ndarray | float, dt: float) -> np.ndarray | float:
        tau = 1.0 / (2.0 * math.pi * cutoff)
        return 1.0 / (1.0 + tau / dt)

    def __call__(self, x: np.ndarray, t: float) -> np.ndarray:
        """Filter one sample ``x`` taken at time ``t`` (seconds, increasing).

        Non-finite elements pass through as they are and leave that element's state
        unchanged (a joint missing in one frame does not disturb it).
        """
        x = np.asarray(x, dtype=np.float64)
        if self._x is None:
            self._x, self._dx, self._t = x.copy(), np.zeros_like(x), float(t)
            return x.copy()
        if x.shape != self._x.shape:
            raise ValueError(f'OneEuroFilter: shape changed from {self._x.shape} to {x.shape}')
        dt = float(t) - self._t
        if dt <= 0:
            raise ValueError(f'OneEuroFilter: time must increase, got {t} after {self._t}')
        ok = np.isfinite(x)
        fresh = ok & ~np.isfinite(self._x)  # first finite value of an element
        prev = np.where(ok & ~fresh, self._x, x)
        dx = np.where(ok, (x - prev) / dt, 0.0)
        a_d = self._alpha(self.d_cutoff, dt)
        dx_hat = np.where(ok, a_d * dx + (1 - a_d) * self._dx, self._dx)
        a = self._alpha(self.min_cutoff + self.beta * np.abs(dx_hat), dt)
        x_hat = np.where(ok, a * x + (1 - a) * prev, x)
        self._x = np.where(ok, x_hat, self._x)
        self._dx = np.where(fresh, 0.0, dx_hat)
        self._t = float(t)
        return x_hat

    def lag_bound(self, speed: float) -> float:
        """Upper bound of the steady-state lag on a motion of constant ``speed``
        (units / s), in the signal's units: ``|v| / (2 pi (min_cutoff + beta |v|))``."""
        v = abs(float(speed))
        return v / (2.0 * math.pi * (self.min_cutoff + self.beta * v))


class TrackSmoother:
    """One filter per (track, field): ``smooth(track_id, name, x, t)``.

    Args:
        filters: per field name, the :class:`OneEuroFilter` arguments, e.g.
            ``{'keypoints': dict(min_cutoff=1.5, beta=0.01)}`` (px) and
            ``{'keypoints_3d': dict(min_cutoff=1.5, beta=0.001)}`` (mm). A field not
            named passes unchanged.
    """

    def __init__(self, filters: dict[str, dict]) -> None:
        for name, kwargs in filters.items():
            OneEuroFilter(**kwargs)  # check the arguments now
        self.filters = {name: dict(kwargs) for name, kwargs in filters.items()}
        self._state: dict[tuple[int, str], OneEuroFilter] = {}

    def smooth(self, track_id: int, name: str, x: np.ndarray, t: float) -> np.ndarray:
        if name not in self.filters:
            return np.asarray(x)
        key = (int(track_id), name)
        if key not in self._state:
            self._state[key] = OneEuroFilter(**self.filters[name])
        return self._state[key](x, t).astype(np.asarray(x).dtype, copy=False)

    def drop(self, track_ids: list[int]) -> None:
        """Forget the filters of tracks that ended."""
        gone = set(int(i) for i in track_ids)
        self._state = {k: f for k, f in self._state.items() if k[0] not in gone}
