"""High-level inference: build a model from a config and run it on images, videos and
webcams (:class:`Pose3DInferencer`), or on one image and box (``inference_topdown``)."""
from .camera import load_intrinsics
from .inference import inference_pipeline_config, inference_topdown, init_model, result_to_dict
from .inferencer import DEFAULT_INFERENCER_CFG, Pose3DInferencer, build_detector
from .results import CONVENTIONS, FrameResult, PersonResult
from .sources import open_source
from .writers import PoseRecorder, VideoWriter

__all__ = ['inference_pipeline_config', 'inference_topdown', 'init_model', 'result_to_dict',
           'Pose3DInferencer', 'DEFAULT_INFERENCER_CFG', 'build_detector', 'load_intrinsics',
           'CONVENTIONS', 'FrameResult', 'PersonResult', 'open_source', 'PoseRecorder',
           'VideoWriter']
