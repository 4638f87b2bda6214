# Runtime defaults shared by every wildpose config.
default_scope = 'wildpose'

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    # a NaN/inf loss term or gradient stops the run with one line ('skip' drops the update
    # and counts it, up to max_skips); a non-finite checkpoint is never written
    non_finite=dict(type='NonFiniteCheckHook', action='stop', max_skips=10),
)

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # None: gloo on CPU, nccl on CUDA (wildpose/engine/distributed.py)
    dist_cfg=dict(backend=None),
)

vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends, name='visualizer')

log_processor = dict(type='LogProcessor', window_size=20, by_epoch=True, num_digits=6)
log_level = 'INFO'
load_from = None
# weights whose names start with these prefixes may be missing from load_from's file or
# have another shape (fine-tuning a new head); they keep their initial values. Any other
# mismatch is refused, naming the file and the weights. Not used when resuming.
load_from_may_differ = []
resume = False
randomness = dict(seed=0, deterministic=False)
