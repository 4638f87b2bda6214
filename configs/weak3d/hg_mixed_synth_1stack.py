# Probe: the main job with one hourglass stack instead of two (docs/benchmarks.md,
# "What each change brought": 1.3x faster, 10 mm worse on wild_test).
# Measured on the main job of its time, whose lab images were also scaled and rotated:
# it builds on that config, so that it reproduces its row.
_base_ = ['./hg_mixed_synth_lab_scale_rotate.py']

num_stacks = 1
model = dict(backbone=dict(num_stacks=num_stacks), head_2d=dict(num_stacks=num_stacks))
