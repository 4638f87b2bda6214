# The full method: mixed lab 3D + wild 2D batches, geometric constraint, integral 2D loss
# (the main job). A small hourglass on the embedded synthetic benchmark, sized so that
# generation, training and testing fit in 15 minutes on a 2-core CPU: bfloat16
# autocast, channels-last, 4000 iterations of 16. docs/benchmarks.md has the numbers.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/hourglass_weak3d.py',
    '../_base_/datasets/synthetic_lab_wild.py',
]

channels = 64
model = dict(
    codec=_base_.codec,
    # a narrow stem: at 64x64 its first residual otherwise costs more than both stacks
    backbone=dict(channels=channels, num_blocks=1, depth=3, stem_channels=(32, 64)),
    channels_last=True,  # faster CPU convolutions, same results
    head_2d=dict(in_channels=channels),
    # beyond the paper: each joint's depth read out of its own depth map under the joint's
    # soft-argmax distribution (Sun et al. 2018) instead of regressed from pooled features;
    # the read-out is local, so depth learnt on lab images carries over to wild framing
    head_depth=dict(_delete_=True, type='DepthMapHead', in_channels=channels,
                    num_joints=_base_.num_joints, num_blocks=2, beta=_base_.beta),
    # 2D joints trained through the soft-argmax (Sun et al. 2018); the paper's heatmap
    # loss is hg_mixed_synth_heatmap.py
    loss_2d=dict(_delete_=True, type='IntegralCoordinateLoss', beta=_base_.beta),
    loss_geo=dict(loss_weight=0.1),
    test_cfg=dict(flip_test=True),
)

max_iters = 4000
optim_wrapper = dict(
    type='AutocastOptimWrapper', dtype='bfloat16',  # bf16 needs no scaling
    optimizer=dict(type='AdamW', lr=2e-3, weight_decay=1e-4, fused=True))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
val_cfg = dict()
test_cfg = dict()
warmup = 150
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=warmup),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup, end=max_iters,
         T_max=max_iters - warmup, eta_min=1e-6),
]
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(by_epoch=False, interval=1000, max_keep_ckpts=2))
log_processor = dict(by_epoch=False)
# pictures (image + 2D skeleton beside the 3D view) of the first 6 samples of each
# domain (lab, wild) at each validation
custom_hooks = [dict(type='PoseVisualizationHook', max_samples=6)]
