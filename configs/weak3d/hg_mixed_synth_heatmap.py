# The main job with the paper's 2D loss: Gaussian heatmaps (sigma 1 heatmap px), MSE on
# every stack, argmax decoding with the quarter-pixel shift, and the paper's depth
# regression head (the main job's depth maps are read under soft-argmax weights, which a
# heatmap trained by MSE does not give); all else the same.
_base_ = ['./hg_mixed_synth.py']

codec = dict(type='HeatmapDepthCodec', input_size=_base_.input_size,
             heatmap_size=_base_.heatmap_size, sigma=1.0)
# each domain's augmentation from the base, with this codec's targets
targets = [dict(type='GenerateTarget', encoder=codec), dict(type='PackPoseInputs')]
model = dict(codec=dict(codec, _delete_=True),
             loss_2d=dict(_delete_=True, type='KeypointMSELoss', use_target_weight=True),
             head_depth=dict(_delete_=True, type='DepthRegressionHead',
                             in_channels=_base_.channels, num_joints=_base_.num_joints,
                             num_stages=3, blocks_per_stage=1))
train_dataloader = dict(dataset=dict(datasets=[
    dict(_base_.lab_train, pipeline=_base_.lab_augment + targets),
    dict(_base_.wild_train, pipeline=_base_.wild_augment + targets)]))
