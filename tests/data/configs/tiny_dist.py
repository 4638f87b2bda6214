# The tiny job for the 2-process CPU test (tests/test_tools/test_distributed.py).
# wild_train and wild_test hold 7 samples, so that 2 processes x 2 wild samples a batch
# need padding and the test set does not split evenly. DistProbeHook (tests/data/plugins,
# on PYTHONPATH in the test) records what every process trained on.
_base_ = ['./tiny_mixed_synth.py']

custom_imports = dict(imports=['dist_probe'], allow_failed_imports=False)
custom_hooks = [dict(type='PoseVisualizationHook', max_samples=6), dict(type='DistProbeHook')]

train_synth = dict(_base_.synth, pipeline=_base_.train_pipeline)
test_synth = dict(_base_.synth, pipeline=_base_.test_pipeline, test_mode=True)
train_dataloader = dict(dataset=dict(datasets=[
    dict(train_synth, split='lab_train'), dict(train_synth, split='wild_train', num_samples=7)]))
val_dataloader = dict(dataset=dict(datasets=[
    dict(test_synth, split='lab_test'), dict(test_synth, split='wild_test', num_samples=7)]))
test_dataloader = val_dataloader
