"""Datasets (registered in ``DATASETS``) and the mixed-source sampler.

Each module that registers a dataset is imported here so that the registry's
``locations`` finds it. Transforms live in :mod:`wildpose.datasets.transforms`.
"""
from .coco3d_dataset import AnnotationError, Coco3DDataset
from .samplers import MixedSourceSampler
from .h36m_dataset import Human36mDataset
from .mpii_dataset import MpiiDataset
from .mpi_inf_3dhp_dataset import MpiInf3dhpDataset
from .coco_wild_dataset import CocoWildDataset
from .synthetic_dataset import SyntheticPoseDataset

__all__ = ['AnnotationError', 'Coco3DDataset', 'MixedSourceSampler', 'SyntheticPoseDataset',
           'Human36mDataset', 'MpiiDataset', 'MpiInf3dhpDataset', 'CocoWildDataset']
