# The main job as it was before the speed and recipe work (commit 84b4add), in today's
# names: heatmap loss, float32, RMSprop 1e-3 dropped at 80 %, 2000 iterations, one data
# worker, no flip test. Kept for side-by-side comparisons (docs/benchmarks.md).
_base_ = ['./hg_mixed_synth_heatmap.py']

model = dict(loss_geo=dict(loss_weight=0.01), test_cfg=dict(flip_test=False))
max_iters = 2000
optim_wrapper = dict(_delete_=True, type='OptimWrapper',
                     optimizer=dict(type='RMSprop', lr=1e-3, alpha=0.99, eps=1e-8))
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=100),
    dict(type='MultiStepLR', by_epoch=False, milestones=[int(max_iters * 0.8)], gamma=0.1),
]
train_dataloader = dict(num_workers=1, persistent_workers=True)
default_hooks = dict(checkpoint=dict(interval=500))
