"""Pure geometry (numpy; torch only where a function says so): affine warps, depth
targets, Gaussian heatmaps and their decoding, metric rescaling of predicted skeletons
(:mod:`wildpose.geometry.metric_pose`, imported on demand since it needs torch)."""
from .affine import fix_aspect_ratio, get_warp_matrix, transform_points
from .depth import (denormalise_depth, depth_scale, normalise_depth,
                    root_relative_depth)
from .heatmap import decode_argmax, decode_argmax_torch, generate_gaussian_heatmaps

__all__ = [
    'fix_aspect_ratio', 'get_warp_matrix', 'transform_points', 'depth_scale',
    'root_relative_depth', 'normalise_depth', 'denormalise_depth',
    'generate_gaussian_heatmaps', 'decode_argmax', 'decode_argmax_torch',
]
