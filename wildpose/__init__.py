"""wildpose: weakly-supervised 3D human pose estimation in the wild.

Importing ``wildpose`` is cheap: it loads the version and lets mmengine's ``Config``
resolve ``wildpose::<path>`` (the configs shipped in the package, see
:mod:`wildpose.utils.package_configs`). Modules register themselves when imported; the
registries know where to find them (``locations``), so building from a config never
depends on import order. Compiled ops are loaded lazily by :mod:`wildpose.ops` on first
use.
"""
from .utils.package_configs import enable_package_configs
from .version import __version__

enable_package_configs()

__all__ = ['__version__']
