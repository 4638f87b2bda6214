# The main job with twice the iterations (about 25 minutes on a 2-core CPU): how far
# the synthetic benchmark's numbers are from convergence.
_base_ = ['./hg_mixed_synth.py']

max_iters = 4000
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=100),
    dict(type='MultiStepLR', by_epoch=False, milestones=[int(max_iters * 0.8)], gamma=0.1),
]
default_hooks = dict(checkpoint=dict(interval=1000))
