# Probe: the main job with the geometric constraint at weight 1.0 instead of 0.1
# (docs/benchmarks.md, "What each change brought": it hurts).
# Measured on the main job of its time, whose lab images were also scaled and rotated:
# it builds on that config, so that it reproduces its row.
_base_ = ['./hg_mixed_synth_lab_scale_rotate.py']

model = dict(loss_geo=dict(loss_weight=1.0))
