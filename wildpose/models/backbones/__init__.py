"""Backbones (registered in ``MODELS``)."""
from .hourglass import HourglassNet, HourglassOutput

__all__ = ['HourglassNet', 'HourglassOutput']
