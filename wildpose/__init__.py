"""wildpose: weakly-supervised 3D human pose estimation in the wild.

Importing ``wildpose`` is cheap: it loads the registries and the version only.
Modules register themselves when imported; the registries know where to find them
(``locations``), so building from a config never depends on import order.
Compiled ops are loaded lazily by :mod:`wildpose.ops` on first use.
"""
from .version import __version__

__all__ = ['__version__']
