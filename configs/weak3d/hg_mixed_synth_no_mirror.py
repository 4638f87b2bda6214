# Probe: the main job without mirroring in training and without the flip test. Mirroring
# swaps the labels of an image whose left-chest badge then sits on the labelled right,
# so it takes the figures' one asymmetric cue away (docs/benchmarks.md, "What each change
# brought": left/right a point better, lab MPJPE worse).
_base_ = ['./hg_mixed_synth.py']

load_steps = [t for t in _base_.load_steps if t['type'] != 'RandomMirror']
train_dataloader = dict(dataset=dict(datasets=[
    dict(_base_.lab_train, pipeline=load_steps + _base_.crop_colour + _base_.targets),
    dict(_base_.wild_train,
         pipeline=load_steps + _base_.scale_rotate + _base_.crop_colour + _base_.targets)]))
model = dict(test_cfg=dict(flip_test=False))
