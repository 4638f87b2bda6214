"""The two domains' style parameters: 'lab' (studio) and 'wild' (clutter).

The lab domain mimics a motion-capture studio: plain background, fixed lighting, a few
subjects in clothes from a narrow palette, centred at a similar scale. The wild domain
varies everything: cluttered backgrounds, clothing colours, lighting, occluders, blur,
noise, JPEG quality, scale and position. Only the appearance and the framing differ;
the pose sampler is the same (the wild one adds a little angle jitter).
"""
from __future__ import annotations

import colorsys
from dataclasses import dataclass

import numpy as np

#: colours are BGR floats in [0, 255]
Colour = tuple[float, float, float]

LAB_SHIRTS: tuple[Colour, ...] = ((150, 70, 40), (50, 50, 150), (70, 120, 60))
LAB_PANTS: tuple[Colour, ...] = ((60, 45, 40), (110, 90, 70))
LAB_SKIN: Colour = (120, 150, 200)
LAB_BACKGROUND: Colour = (196, 198, 200)


@dataclass(frozen=True)
class DomainStyle:
    """How a domain frames and renders people (lengths in mm, angles in degrees,
    sizes as fractions of the image width)."""
    name: str
    person_scale: tuple[float, float]   #: image height fraction of a 1750 mm person
    centre_jitter: float                #: max offset of the person's centre, x width
    focal: tuple[float, float]          #: focal length range, x width
    pitch_std: float
    roll_std: float
    pose_jitter: float
    num_subjects: int                   #: 0: a new subject for every sample
    occluder_prob: float
    blur_sigma: tuple[float, float]
    noise_std: tuple[float, float]
    jpeg_quality: tuple[int, int]
    light_gain: tuple[float, float]
    colour_cast: float                  #: max per-channel gain deviation


LAB = DomainStyle('lab', person_scale=(0.66, 0.74), centre_jitter=0.02, focal=(2.0, 2.0),
                  pitch_std=3.0, roll_std=1.5, pose_jitter=0.0, num_subjects=5,
                  occluder_prob=0.0, blur_sigma=(0.0, 0.0), noise_std=(1.0, 1.0),
                  jpeg_quality=(92, 92), light_gain=(1.0, 1.0), colour_cast=0.0)
WILD = DomainStyle('wild', person_scale=(0.4, 0.95), centre_jitter=0.2, focal=(1.4, 3.0),
                   pitch_std=10.0, roll_std=6.0, pose_jitter=1.0, num_subjects=0,
                   occluder_prob=0.4, blur_sigma=(0.0, 1.3), noise_std=(2.0, 12.0),
                   jpeg_quality=(55, 95), light_gain=(0.55, 1.3), colour_cast=0.2)
DOMAINS: dict[str, DomainStyle] = {'lab': LAB, 'wild': WILD}


@dataclass(frozen=True)
class Appearance:
    """Colours of one person and the light direction (unit 2D vector in image px)."""
    shirt: Colour
    pants: Colour
    skin: Colour
    hair: Colour
    shoes: Colour
    stripe: Colour
    light_dir: tuple[float, float]


def _hsv(h: float, s: float, v: float) -> Colour:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return (255 * b, 255 * g, 255 * r)


def _contrast(c: Colour, rng: np.random.Generator) -> Colour:
    """A colour far from ``c`` in brightness and hue, for the chest stripe."""
    bright = sum(c) / 3 < 120
    base = rng.uniform(200, 250) if bright else rng.uniform(15, 50)
    return (base, base * rng.uniform(0.8, 1.0), base * rng.uniform(0.8, 1.0))


def sample_appearance(style: DomainStyle, rng: np.random.Generator) -> Appearance:
    """Clothing colours: a narrow palette in the lab, anything in the wild."""
    if style.name == 'lab':
        shirt = LAB_SHIRTS[int(rng.integers(len(LAB_SHIRTS)))]
        pants = LAB_PANTS[int(rng.integers(len(LAB_PANTS)))]
        return Appearance(shirt, pants, LAB_SKIN, (35, 35, 40), (30, 30, 30), (40, 200, 235),
                          (-0.6, -0.8))
    shirt = _hsv(rng.random(), rng.uniform(0.1, 0.9), rng.uniform(0.25, 0.95))
    pants = _hsv(rng.random(), rng.uniform(0.0, 0.8), rng.uniform(0.15, 0.8))
    skin = _hsv(rng.uniform(0.02, 0.1), rng.uniform(0.25, 0.6), rng.uniform(0.3, 0.95))
    hair = _hsv(rng.uniform(0.0, 0.12), rng.uniform(0.2, 0.8), rng.uniform(0.05, 0.6))
    shoes = _hsv(rng.random(), rng.uniform(0.0, 0.6), rng.uniform(0.05, 0.9))
    ang = rng.uniform(0, 2 * np.pi)
    return Appearance(shirt, pants, skin, hair, shoes, _contrast(shirt, rng),
                      (float(np.cos(ang)), float(np.sin(ang))))
