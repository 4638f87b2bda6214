"""High-level inference: build a model from a config and run it on images."""
from .inference import inference_pipeline_config, inference_topdown, init_model, result_to_dict

__all__ = ['inference_pipeline_config', 'inference_topdown', 'init_model', 'result_to_dict']
