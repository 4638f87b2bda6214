"""OpenCV rendering of a posed person, the domains' backgrounds and image degradations.

Body parts are shaded capsules (limbs), a torso polygon with a spine capsule, and a head
circle, painted back to front by depth so self-occlusion is real. Orientation cues: a
face (eyes, mouth) on the front of the head and hair on its back, a stripe down the front
of the torso with a badge on the left chest, and parts further away are darker.
All coordinates are image px (integer = pixel centre); images are (H, W, 3) uint8 BGR.
"""
from __future__ import annotations

from typing import Callable

import cv2
import numpy as np

from .camera import Camera, project
from .domains import Appearance, Colour, DomainStyle, LAB_BACKGROUND
from .poses import Pose, Subject

_SHIFT = 4                      # sub-pixel bits for OpenCV drawing
_SCALE = float(1 << _SHIFT)
_AA = cv2.LINE_AA

#: limb radii, mm (times the subject's girth)
RADII: dict[str, float] = dict(thigh=70.0, shin=52.0, upper_arm=46.0, forearm=38.0,
                               torso=105.0, neck=42.0, hand=42.0, foot=40.0)


def _pt(p: np.ndarray) -> tuple[int, int]:
    return int(round(float(p[0]) * _SCALE)), int(round(float(p[1]) * _SCALE))


def _col(c: Colour, k: float) -> tuple[float, float, float]:
    return tuple(min(255.0, max(0.0, float(v) * k)) for v in c)  # type: ignore[return-value]


def capsule(img: np.ndarray, p: np.ndarray, q: np.ndarray, radius: float, colour: Colour,
            shade: float, light: tuple[float, float]) -> None:
    """A shaded thick segment from ``p`` to ``q`` (image px), ``radius`` px: a dark rim,
    a mid tone, and a highlight shifted towards the light."""
    t = max(1, int(round(2 * radius)))
    cv2.line(img, _pt(p), _pt(q), _col(colour, 0.55 * shade), t, _AA, _SHIFT)
    if t >= 3:
        cv2.line(img, _pt(p), _pt(q), _col(colour, 0.8 * shade), max(1, int(0.7 * t)), _AA,
                 _SHIFT)
        off = np.array(light) * -0.2 * radius
        cv2.line(img, _pt(p + off), _pt(q + off), _col(colour, 1.05 * shade),
                 max(1, int(0.3 * t)), _AA, _SHIFT)


def _disc(img: np.ndarray, c: np.ndarray, r: float, colour: Colour) -> None:
    cv2.circle(img, _pt(c), max(1, int(round(r * _SCALE))), colour, -1, _AA, _SHIFT)


def draw_person(img: np.ndarray, pose: Pose, subject: Subject, look: Appearance,
                cam: Camera, long_sleeves: bool = False) -> None:
    """Paint ``pose`` (camera frame, mm) onto ``img`` in place, back to front by depth."""
    J = pose.joints
    uv = project(J, cam)
    z_root = J[6, 2]
    g = subject.girth
    items: list[tuple[float, Callable[[], None]]] = []

    def shade_at(z: float) -> float:  # parts further than the pelvis are darker
        return 1.0 - 0.35 * float(np.clip((z - z_root) / 450.0, -1.0, 1.0))

    def px(r_mm: float, z: float) -> float:
        return cam.fx * r_mm / z

    def limb(a: int | np.ndarray, b: int | np.ndarray, r_mm: float, colour: Colour) -> None:
        pa = J[a] if isinstance(a, (int, np.integer)) else a
        pb = J[b] if isinstance(b, (int, np.integer)) else b
        z = (pa[2] + pb[2]) / 2
        ua, ub = project(pa, cam), project(pb, cam)
        items.append((z, lambda: capsule(img, ua, ub, px(r_mm * g, z), colour, shade_at(z),
                                         look.light_dir)))

    sleeve = look.shirt if long_sleeves else look.skin
    down = J[6] - J[8]
    down = down / (np.linalg.norm(down) + 1e-9)
    for hip, knee, ankle, sh, el, wr in ((2, 1, 0, 12, 11, 10), (3, 4, 5, 13, 14, 15)):
        limb(hip, knee, RADII['thigh'], look.pants)
        limb(knee, ankle, RADII['shin'], look.pants)
        limb(J[ankle], J[ankle] + 130 * pose.pelvis_front + 40 * down, RADII['foot'],
             look.shoes)
        limb(sh, el, RADII['upper_arm'], look.shirt)
        limb(el, wr, RADII['forearm'], sleeve)
        fore = (J[wr] - J[el]) / (np.linalg.norm(J[wr] - J[el]) + 1e-9)
        limb(J[wr], J[wr] + 60 * fore, RADII['hand'], look.skin)

    # torso: spine capsule (gives it depth when seen from the side) + polygon + front marks
    right = J[12] - J[13]
    up = J[8] - J[6]
    front = np.cross(up, right)
    front /= np.linalg.norm(front) + 1e-9
    centre = (J[6] + J[8]) / 2
    z_t = float(centre[2])
    wide_sh, wide_hip = 0.12 * right, 0.2 * (J[2] - J[3])
    poly3 = np.stack([J[12] + wide_sh, J[13] - wide_sh, J[3] - wide_hip, J[2] + wide_hip])

    def torso() -> None:
        s = shade_at(z_t)
        capsule(img, uv[6], uv[7] * 0.5 + uv[8] * 0.5, px(RADII['torso'] * g, z_t),
                look.shirt, s, look.light_dir)
        poly = project(poly3, cam)
        cv2.fillPoly(img, [np.round(poly * _SCALE).astype(np.int32)], _col(look.shirt, 0.8 * s),
                     _AA, _SHIFT)
        inner = poly * 0.7 + poly.mean(0) * 0.3 - np.array(look.light_dir) * 0.05 * \
            np.ptp(poly[:, 0])
        cv2.fillPoly(img, [np.round(inner * _SCALE).astype(np.int32)], _col(look.shirt, s),
                     _AA, _SHIFT)
        if np.dot(front, centre) < 0:  # the front faces the camera
            off = front * 95 * g
            a = project(J[8] * 0.85 + J[6] * 0.15 + off, cam)
            b = project(J[6] * 0.8 + J[8] * 0.2 + off, cam)
            capsule(img, a, b, px(26 * g, z_t), look.stripe, s, look.light_dir)
            badge = project(J[13] * 0.55 + J[6] * 0.3 + J[12] * 0.15 + off, cam)
            _disc(img, badge, px(30 * g, z_t), _col(look.stripe, s))

    items.append((z_t, torso))

    # head: hair behind or in front of the skin depending on which side faces the camera
    head_len = np.linalg.norm(J[9] - J[8])
    r_mm = 0.45 * head_len
    hc = J[9] - 0.95 * r_mm * pose.head_up
    hf, hu = pose.head_front, pose.head_up
    hr = np.cross(hf, hu)  # the person's right
    view = hc / np.linalg.norm(hc)

    def head() -> None:
        z = float(hc[2])
        s = shade_at(z)
        r = px(r_mm, z)
        c = project(hc, cam)
        capsule(img, uv[8], c, px(RADII['neck'] * g, z), look.skin, s, look.light_dir)
        hair_dir = -0.3 * hf + 0.2 * hu
        hair_c = project(hc + r_mm * hair_dir, cam)
        hair_front = np.dot(hair_dir, view) < 0
        if not hair_front:
            _disc(img, hair_c, 0.95 * r, _col(look.hair, s))
        _disc(img, c, 0.92 * r, _col(look.skin, 0.8 * s))
        _disc(img, c - np.array(look.light_dir) * 0.15 * r, 0.7 * r, _col(look.skin, s))
        if hair_front:
            _disc(img, hair_c, 0.85 * r, _col(look.hair, s))
        for side in (-1.0, 1.0):
            n = 0.85 * hf + 0.2 * hu + side * 0.38 * hr
            if np.dot(n, view) < -0.1:
                _disc(img, project(hc + r_mm * n / np.linalg.norm(n), cam),
                      max(0.8, 0.14 * r), (25, 25, 25))
        n = 0.88 * hf - 0.38 * hu
        if np.dot(n, view) < -0.1:
            _disc(img, project(hc + r_mm * n / np.linalg.norm(n), cam), max(0.8, 0.13 * r),
                  (60, 60, 170))

    items.append((float(hc[2]), head))
    for _, draw in sorted(items, key=lambda it: -it[0]):
        draw()


def _random_colour(rng: np.random.Generator) -> tuple[float, float, float]:
    return tuple(float(v) for v in rng.uniform(0, 255, 3))  # type: ignore[return-value]


_LAB_CACHE: dict[tuple[int, int], np.ndarray] = {}
_GRID_CACHE: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}


def _grid(w: int, h: int) -> tuple[np.ndarray, np.ndarray]:
    """(h, w) float32 x and y coordinates spanning [-1, 1] (cached, read-only)."""
    if (w, h) not in _GRID_CACHE:
        xs, ys = np.meshgrid(np.linspace(-1, 1, w, dtype=np.float32),
                             np.linspace(-1, 1, h, dtype=np.float32))
        xs.setflags(write=False)
        ys.setflags(write=False)
        _GRID_CACHE[(w, h)] = (xs, ys)
    return _GRID_CACHE[(w, h)]


def lab_background(size: tuple[int, int]) -> np.ndarray:
    """A fixed studio backdrop: a plain wall and a slightly darker floor (copy)."""
    if size not in _LAB_CACHE:
        w, h = size
        img = np.empty((h, w, 3), np.float32)
        img[:] = LAB_BACKGROUND
        ys = np.arange(h, dtype=np.float32)[:, None]
        img *= (1.0 - 0.04 * ys / h)[..., None]
        img[int(0.8 * h):] *= 0.9
        _LAB_CACHE[size] = np.clip(img, 0, 255).astype(np.uint8)
    return _LAB_CACHE[size].copy()


def wild_background(size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Clutter: a gradient, a low-frequency texture, random shapes and limb-like strokes."""
    w, h = size
    c0 = rng.uniform(0, 255, 3).astype(np.float32)
    c1 = rng.uniform(0, 255, 3).astype(np.float32)
    ang = rng.uniform(0, 2 * np.pi)
    xs, ys = _grid(w, h)
    t = np.clip((np.float32(np.cos(ang)) * xs + np.float32(np.sin(ang)) * ys) * 0.5 + 0.5,
                0, 1)[..., None]
    img = c0 + (c1 - c0) * t
    n = int(rng.integers(3, 16))
    tex = cv2.resize(rng.uniform(-1, 1, (n, n, 3)).astype(np.float32), (w, h),
                     interpolation=cv2.INTER_CUBIC)
    img += tex * np.float32(rng.uniform(10, 70))
    img = np.clip(img, 0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(6, 20))):
        kind = rng.integers(5)
        col = _random_colour(rng)
        p = rng.uniform(-0.1, 1.1, 2) * (w, h)
        s = rng.uniform(0.05, 0.4) * w
        if kind == 0:
            q = p + rng.uniform(-1, 1, 2) * s
            cv2.rectangle(img, _pt(p), _pt(q), col, -1, _AA, _SHIFT)
        elif kind == 1:
            _disc(img, p, s / 2, col)
        elif kind == 2:
            pts = p + rng.uniform(-1, 1, (int(rng.integers(3, 7)), 2)) * s
            cv2.fillPoly(img, [np.round(pts * _SCALE).astype(np.int32)], col, _AA, _SHIFT)
        elif kind == 3:
            q = p + rng.uniform(-1, 1, 2) * s * 2
            cv2.line(img, _pt(p), _pt(q), col, int(rng.integers(1, 6)), _AA, _SHIFT)
        else:  # a limb-like distractor
            q = p + rng.uniform(-1, 1, 2) * s
            capsule(img, p, q, rng.uniform(2, 9), col, 1.0, (0.0, -1.0))
    if rng.random() < 0.3:  # a striped patch
        period = int(rng.integers(3, 10))
        mask = ((np.arange(w)[None, :] + np.arange(h)[:, None] * rng.integers(0, 2))
                // period) % 2 == 0
        x0, y0 = rng.integers(0, w // 2), rng.integers(0, h // 2)
        x1, y1 = x0 + rng.integers(w // 6, w // 2), y0 + rng.integers(h // 6, h // 2)
        region = mask[y0:y1, x0:x1]
        img[y0:y1, x0:x1][region] = np.array(_random_colour(rng), np.uint8)
    return img


def add_occluders(img: np.ndarray, keypoints: np.ndarray, size_px: float,
                  rng: np.random.Generator) -> None:
    """One or two opaque shapes over random joints (labels are kept, as in MPII)."""
    for _ in range(int(rng.integers(1, 3))):
        c = keypoints[rng.integers(len(keypoints))] + rng.normal(0, 0.08 * size_px, 2)
        s = rng.uniform(0.06, 0.16) * size_px
        col = _random_colour(rng)
        if rng.random() < 0.5:
            cv2.rectangle(img, _pt(c - s), _pt(c + s * rng.uniform(0.5, 1.5, 2)), col, -1,
                          _AA, _SHIFT)
        else:
            cv2.ellipse(img, _pt(c), (int(s * _SCALE), int(s * rng.uniform(0.4, 1.0) * _SCALE)),
                        rng.uniform(0, 180), 0, 360, col, -1, _AA, _SHIFT)


def degrade(img: np.ndarray, style: DomainStyle, rng: np.random.Generator) -> np.ndarray:
    """Lighting (gain, colour cast, a gradient), blur and sensor noise (new uint8 image)."""
    h, w = img.shape[:2]
    out = img.astype(np.float32)
    if style.light_gain != (1.0, 1.0) or style.colour_cast > 0:
        gain = rng.uniform(*style.light_gain)
        cast = 1 + rng.uniform(-style.colour_cast, style.colour_cast, 3)
        ang = rng.uniform(0, 2 * np.pi)
        xs, ys = _grid(w, h)
        ramp = 1 + np.float32(rng.uniform(0, 0.3)) * (np.float32(np.cos(ang)) * xs +
                                                      np.float32(np.sin(ang)) * ys)
        out *= (np.float32(gain) * ramp)[..., None] * cast.astype(np.float32)
    sigma = rng.uniform(*style.blur_sigma)
    if sigma > 0.3:
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    std = rng.uniform(*style.noise_std)
    if std > 0:
        out += rng.standard_normal(out.shape, dtype=np.float32) * np.float32(std)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)
