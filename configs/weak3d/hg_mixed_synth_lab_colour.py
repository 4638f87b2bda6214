# Probe: the main job with lab images mirrored and colour-gained only, without the scale
# and rotation that wild images get (docs/benchmarks.md, "What each change brought":
# better lab accuracy and left/right, worse wild MPJPE).
_base_ = ['./hg_mixed_synth.py']

lab_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='DepthFromPose3D'),
    dict(type='RandomMirror', prob=0.5),
    dict(type='TopdownAffine', input_size=_base_.input_size),
    dict(type='RandomChannelGain', low=0.6, high=1.4),
] + _base_.targets
train_dataloader = dict(dataset=dict(datasets=[
    dict(_base_.lab_train, pipeline=lab_pipeline), _base_.wild_train]))
