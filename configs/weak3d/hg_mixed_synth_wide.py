# Probe: the main job with 96 channels instead of 64 (about twice the compute per
# iteration: beyond the quick start's 15-minute budget), to see what a wider network
# would bring (docs/benchmarks.md, "What each change brought").
# Measured on the main job of its time, whose lab images were also scaled and rotated:
# it builds on that config, so that it reproduces its row.
_base_ = ['./hg_mixed_synth_lab_scale_rotate.py']

channels = 96
model = dict(backbone=dict(channels=channels), head_2d=dict(in_channels=channels),
             head_depth=dict(in_channels=channels))
