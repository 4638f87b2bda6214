# Probe: the main job trained twice as long (8000 iterations, about 27 min here: beyond
# the quick start's 15-minute budget), to see what more training would bring
# (docs/benchmarks.md, "What each change brought").
# Measured on the main job of its time, whose lab images were also scaled and rotated:
# it builds on that config, so that it reproduces its row.
_base_ = ['./hg_mixed_synth_lab_scale_rotate.py']

max_iters = 8000
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=_base_.warmup),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=_base_.warmup, end=max_iters,
         T_max=max_iters - _base_.warmup, eta_min=1e-6),
]
