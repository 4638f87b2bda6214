# The main job: the full method on the embedded synthetic benchmark.
# Mixed batches (half lab images with 3D labels, half wild images with 2D labels only),
# heatmap + depth + geometric-constraint losses. A small hourglass, sized so that data
# generation, training and evaluation finish in about 15 minutes on a 2-core CPU.
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
    head_depth=dict(in_channels=channels, num_stages=3, blocks_per_stage=1),
)

max_iters = 2000
optim_wrapper = dict(optimizer=dict(type='RMSprop', lr=1e-3, alpha=0.99, eps=1e-8))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
val_cfg = dict()
test_cfg = dict()
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=100),
    dict(type='MultiStepLR', by_epoch=False, milestones=[int(max_iters * 0.8)], gamma=0.1),
]
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(by_epoch=False, interval=500, max_keep_ckpts=2))
log_processor = dict(by_epoch=False)
# pictures (image + 2D skeleton beside the 3D view) of a few samples at each validation
custom_hooks = [dict(type='PoseVisualizationHook', max_samples=6)]
