# Ablation: mixed lab 3D + wild 2D batches without the geometric constraint.
_base_ = ['./hg_mixed_synth.py']

model = dict(loss_geo=None)
