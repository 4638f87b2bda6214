# Probe: the main job with the geometric constraint at weight 1.0 instead of 0.1
# (docs/benchmarks.md, "What each change brought": it hurts).
_base_ = ['./hg_mixed_synth.py']

model = dict(loss_geo=dict(loss_weight=1.0))
