# A tiny version of the main job for end-to-end tests: a few synthetic samples, a
# one-stack hourglass with 16 channels, 64x64 input and a handful of iterations.
_base_ = ['../../../configs/weak3d/hg_mixed_synth.py']

input_size = (64, 64)
heatmap_size = (16, 16)
batch_size = 4
codec = dict(_base_.codec, input_size=input_size, heatmap_size=heatmap_size)
synth = dict(type='SyntheticPoseDataset', data_root='data/cache/synthetic', seed=0,
             num_samples=8)


def _pipeline(train: bool) -> list:
    steps = [dict(type='LoadImage'), dict(type='GetBBoxCenterScale', padding=1.25)]
    if train:
        steps += [dict(type='DepthFromPose3D'), dict(type='RandomMirror', prob=0.5)]
    steps.append(dict(type='TopdownAffine', input_size=input_size))
    if train:
        steps.append(dict(type='GenerateTarget', encoder=codec))
    steps.append(dict(type='PackPoseInputs'))
    return steps


train_pipeline = _pipeline(True)
test_pipeline = _pipeline(False)
del _pipeline

model = dict(
    codec=codec,
    backbone=dict(num_stacks=1, channels=16, num_blocks=1, depth=2),
    head_2d=dict(in_channels=16, num_stacks=1),
    head_depth=dict(in_channels=16, num_blocks=1),
)
train_dataloader = dict(
    batch_size=batch_size, num_workers=0, persistent_workers=False,
    sampler=dict(type='MixedSourceSampler', source_ratio=[1, 1]),  # batch size: the loader's
    dataset=dict(type='ConcatDataset', datasets=[
        dict(synth, split='lab_train', pipeline=train_pipeline),
        dict(synth, split='wild_train', pipeline=train_pipeline)]))
val_dataloader = dict(
    batch_size=8, num_workers=0, persistent_workers=False,
    dataset=dict(type='ConcatDataset', datasets=[
        dict(synth, split='lab_test', pipeline=test_pipeline, test_mode=True),
        dict(synth, split='wild_test', pipeline=test_pipeline, test_mode=True)]))
test_dataloader = val_dataloader

max_iters = 6
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
param_scheduler = [dict(type='MultiStepLR', by_epoch=False, milestones=[4], gamma=0.1)]
default_hooks = dict(logger=dict(interval=2), checkpoint=dict(interval=3, max_keep_ckpts=3))
optim_wrapper = dict(optimizer=dict(lr=1e-3))  # the distributed test checks its scaling
