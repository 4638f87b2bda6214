# The paper's network (method.md): 2-stack hourglass, 256 channels, 256x256 input,
# 64x64 heatmaps, depth regression from the last stack's merged features. The codec
# (input and heatmap sizes) comes from the dataset config: `model = dict(codec=codec)`;
# the depth head's input size is the codec's heatmap size.
num_joints = 16
channels = 256
num_stacks = 2
model = dict(
    type='Weak3DPoseEstimator',
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], bgr_to_rgb=True),
    backbone=dict(type='HourglassNet', num_stacks=num_stacks, channels=channels, num_blocks=2,
                  depth=4, feedback_channels=num_joints),
    head_2d=dict(type='StackedHeatmapHead', in_channels=channels, num_joints=num_joints,
                 num_stacks=num_stacks),
    head_depth=dict(type='DepthRegressionHead', in_channels=channels, num_joints=num_joints,
                    num_stages=4, blocks_per_stage=2),
    loss_2d=dict(type='KeypointMSELoss', use_target_weight=True, loss_weight=1.0),
    loss_depth=dict(type='DepthL2Loss', loss_weight=0.1),
    loss_geo=dict(type='GeometricConstraintLoss', loss_weight=0.01),
    test_cfg=dict(flip_test=False),
)
