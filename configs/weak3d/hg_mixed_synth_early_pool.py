# The main job with the stem pooled before its first residual (HourglassNet early_pool):
# a faster training iteration on a CPU, at a cost in accuracy (docs/benchmarks.md).
_base_ = ['./hg_mixed_synth.py']

model = dict(backbone=dict(early_pool=True))
