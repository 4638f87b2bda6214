# Probe: the main job without mirroring in training and without the flip test. Mirroring
# swaps the labels of an image whose left-chest badge then sits on the labelled right,
# so it takes the figures' one asymmetric cue away (docs/benchmarks.md, "What each change
# brought": left/right a point better, lab MPJPE worse).
# Measured on the main job of its time, whose lab images were also scaled and rotated:
# it builds on that config, so that it reproduces its row.
_base_ = ['./hg_mixed_synth_lab_scale_rotate.py']

train_pipeline = [t for t in _base_.wild_augment if t['type'] != 'RandomMirror'] + \
    _base_.targets
train_dataloader = dict(dataset=dict(datasets=[
    dict(_base_.lab_train, pipeline=train_pipeline),
    dict(_base_.wild_train, pipeline=train_pipeline)]))
model = dict(test_cfg=dict(flip_test=False))
