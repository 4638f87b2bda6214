"""The embedded synthetic lab/wild benchmark (procedural, no download).

'lab' images carry 3D labels; 'wild' images differ in appearance (clutter, lighting,
occluders, framing) and their training split carries 2D labels only, which poses the
paper's problem: learn 3D in the lab, transfer it to the wild. See
``docs/synthetic_benchmark.md``.

Modules: :mod:`.poses` (3D skeleton sampler), :mod:`.camera` (pinhole projection),
:mod:`.domains` (style parameters), :mod:`.render` (OpenCV drawing), :mod:`.generate`
(samples, splits, the cache). Nothing here registers a class; the dataset is
:class:`wildpose.datasets.SyntheticPoseDataset`.
"""
from .generate import GENERATOR_VERSION, SPLITS, ensure_split, render_sample, write_split

__all__ = ['GENERATOR_VERSION', 'SPLITS', 'ensure_split', 'render_sample', 'write_split']
