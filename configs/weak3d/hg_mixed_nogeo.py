# Stage 2 of the paper's recipe (method.md): start from stage 1, train on mixed batches
# (half Human3.6M with 3D labels, half MPII with 2D labels) with the heatmap loss (weight
# 1) and the depth L2 loss (weight 0.1), no geometric constraint; 30 epochs, RMSprop lr
# 2.5e-4 dropped 10x at epoch 25. An epoch shows every Human3.6M training sample once.
#   python tools/train.py configs/weak3d/hg_mixed_nogeo.py \
#       --load-from work_dirs/hg_2d_mpii/epoch_60.pth
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/hourglass_weak3d.py',
    '../_base_/datasets/h36m_mpii.py',
    '../_base_/schedules/rmsprop_paper.py',
]

# Human3.6M metrics: rescale to the mean skeleton, thorax at the pelvis/neck midpoint.
model = dict(loss_geo=None, codec=dict(_base_.codec, thorax_midpoint=True))

optim_wrapper = dict(optimizer=dict(type='RMSprop', lr=2.5e-4, alpha=0.99, eps=1e-8))
train_cfg = dict(by_epoch=True, max_epochs=30, val_interval=5)
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[25], gamma=0.1)]
