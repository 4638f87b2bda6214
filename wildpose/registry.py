"""All wildpose registries, in one flat module.

Each registry is a child of mmengine's root registry of the same kind, so a config with
``default_scope = 'wildpose'`` finds our modules first and mmengine's (optimisers,
schedulers, hooks, loops, ...) after them. ``locations`` lists the packages that hold the
registered classes: the registry imports them on first use, so nothing depends on import
order. Users add their own modules with the usual decorator::

    from wildpose.registry import MODELS

    @MODELS.register_module()
    class MyHead(nn.Module):
        ...

and name the defining module in the config's ``custom_imports``.
"""
from __future__ import annotations

from typing import Any

from mmengine.registry import DATA_SAMPLERS as MMENGINE_DATA_SAMPLERS
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import EVALUATOR as MMENGINE_EVALUATOR
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import LOG_PROCESSORS as MMENGINE_LOG_PROCESSORS
from mmengine.registry import LOOPS as MMENGINE_LOOPS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import \
    OPTIM_WRAPPER_CONSTRUCTORS as MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.registry import OPTIM_WRAPPERS as MMENGINE_OPTIM_WRAPPERS
from mmengine.registry import OPTIMIZERS as MMENGINE_OPTIMIZERS
from mmengine.registry import PARAM_SCHEDULERS as MMENGINE_PARAM_SCHEDULERS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import VISBACKENDS as MMENGINE_VISBACKENDS
from mmengine.registry import VISUALIZERS as MMENGINE_VISUALIZERS
from mmengine.registry import Registry, build_from_cfg


def _registered_names(registry: Registry) -> list[str]:
    """Every type name reachable from ``registry`` (its own first, then its parents')."""
    registry.import_from_location()
    names: list[str] = []
    node: Registry | None = registry
    while node is not None:
        names.extend(sorted(k for k in node.module_dict if k not in names))
        node = node.parent
    return names


def check_type(cfg: Any, registry: Registry) -> None:
    """Raise a ``KeyError`` naming an unknown ``type`` and listing what is registered."""
    if not isinstance(cfg, dict) or 'type' not in cfg:
        return
    obj_type = cfg['type']
    if not isinstance(obj_type, str):
        return
    if registry.get(obj_type) is None:
        own = sorted(registry.module_dict)
        raise KeyError(
            f"unknown type '{obj_type}' in the wildpose '{registry.name}' registry. "
            f"Registered in wildpose: {', '.join(own) or '(none)'}. "
            f"Also reachable: {len(_registered_names(registry)) - len(own)} types from mmengine. "
            "Check the spelling, or add the module that registers it to `custom_imports`.")


def _checked(parent_build: Any):
    """Wrap a build function (the parent registry's) with :func:`check_type`."""

    def build(cfg: Any, *args: Any, registry: Registry, **kwargs: Any) -> Any:
        for item in (cfg if isinstance(cfg, list) else [cfg]):
            check_type(item, registry)
        return parent_build(cfg, *args, registry=registry, **kwargs)

    return build


def _child(name: str, parent: Registry, location: str) -> Registry:
    return Registry(name, parent=parent, build_func=_checked(parent.build_func),
                    locations=[location])


MODELS = _child('model', MMENGINE_MODELS, 'wildpose.models')
DATASETS = _child('dataset', MMENGINE_DATASETS, 'wildpose.datasets')
DATA_SAMPLERS = _child('data sampler', MMENGINE_DATA_SAMPLERS, 'wildpose.datasets.samplers')
TRANSFORMS = _child('transform', MMENGINE_TRANSFORMS, 'wildpose.datasets.transforms')
METRICS = _child('metric', MMENGINE_METRICS, 'wildpose.evaluation.metrics')
EVALUATORS = _child('evaluator', MMENGINE_EVALUATOR, 'wildpose.evaluation')
HOOKS = _child('hook', MMENGINE_HOOKS, 'wildpose.engine.hooks')
VISUALIZERS = _child('visualizer', MMENGINE_VISUALIZERS, 'wildpose.visualization')
VISBACKENDS = _child('vis_backend', MMENGINE_VISBACKENDS, 'wildpose.visualization')
LOOPS = _child('loop', MMENGINE_LOOPS, 'wildpose.engine')
LOG_PROCESSORS = _child('log_processor', MMENGINE_LOG_PROCESSORS, 'wildpose.engine')
OPTIMIZERS = _child('optimizer', MMENGINE_OPTIMIZERS, 'wildpose.engine')
OPTIM_WRAPPERS = _child('optim_wrapper', MMENGINE_OPTIM_WRAPPERS, 'wildpose.engine')
OPTIM_WRAPPER_CONSTRUCTORS = _child('optimizer wrapper constructor',
                                    MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS, 'wildpose.engine')
PARAM_SCHEDULERS = _child('parameter scheduler', MMENGINE_PARAM_SCHEDULERS, 'wildpose.engine')
#: target encoders/decoders (MMPose's KEYPOINT_CODECS; wildpose's own kind: no mmengine parent)
KEYPOINT_CODECS = Registry('keypoint codec', build_func=_checked(build_from_cfg),
                           locations=['wildpose.codecs'])
#: person detectors of the inferencer (wildpose's own kind: no mmengine parent)
PERSON_DETECTORS = Registry('person detector', build_func=_checked(build_from_cfg),
                            locations=['wildpose.apis.detectors'])
