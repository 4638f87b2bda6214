"""Datasets (registered in ``DATASETS``) and the mixed-source sampler.

Each module that registers a dataset is imported here so that the registry's
``locations`` finds it. Transforms live in :mod:`wildpose.datasets.transforms`.
"""
from .coco3d_dataset import AnnotationError, Coco3DDataset
from .samplers import MixedSourceSampler
from .synthetic_dataset import SyntheticPoseDataset

__all__ = ['AnnotationError', 'Coco3DDataset', 'MixedSourceSampler', 'SyntheticPoseDataset']
