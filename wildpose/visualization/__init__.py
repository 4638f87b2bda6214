"""Pictures of poses: pure drawing functions (:mod:`.draw`) and the registered
:class:`PoseVisualizer`."""
from .draw import (bone_side, draw_skeleton_2d, draw_skeleton_3d, joint_side,
                   render_side_by_side, save_rgb)
from .frame import SceneView, draw_people_2d, render_frame
from .visualizer import PoseVisualizer

__all__ = ['bone_side', 'draw_skeleton_2d', 'draw_skeleton_3d', 'joint_side',
           'render_side_by_side', 'save_rgb', 'PoseVisualizer', 'SceneView',
           'draw_people_2d', 'render_frame']
