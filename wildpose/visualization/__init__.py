"""Pictures of poses: pure drawing functions. :mod:`.draw` draws one predicted sample
(the validation/test hook), :mod:`.frame` a frame of several people (the demo)."""
from .draw import (bone_side, draw_skeleton_2d, draw_skeleton_3d, joint_side,
                   render_side_by_side, save_rgb)
from .frame import SceneView, draw_people_2d, render_frame

__all__ = ['bone_side', 'draw_skeleton_2d', 'draw_skeleton_3d', 'joint_side',
           'render_side_by_side', 'save_rgb', 'SceneView',
           'draw_people_2d', 'render_frame']
