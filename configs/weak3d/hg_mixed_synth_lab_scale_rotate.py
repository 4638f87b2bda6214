# The main job until 2026-12-05: lab images also scaled and rotated like the wild ones.
# A probe now (docs/benchmarks.md, "What each change brought": lab MPJPE and left/right
# worse than the main job, wild MPJPE within the spread, wild PA-MPJPE better); the
# probes measured against it build on it.
_base_ = ['./hg_mixed_synth.py']

train_dataloader = dict(dataset=dict(datasets=[
    dict(_base_.lab_train, pipeline=_base_.wild_augment + _base_.targets), _base_.wild_train]))
