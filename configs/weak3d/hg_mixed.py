# Stage 3, the full method (method.md): start from stage 2 and add the geometric
# constraint on MPII's predicted depths (weight 0.01; heatmaps 1, depth 0.1);
# 10 epochs at RMSprop lr 2.5e-5. Same mixed half Human3.6M / half MPII batches.
#   python tools/train.py configs/weak3d/hg_mixed.py \
#       --load-from work_dirs/hg_mixed_nogeo/epoch_30.pth
#   python tools/test.py configs/weak3d/eval_h36m.py work_dirs/hg_mixed/epoch_10.pth
_base_ = ['./hg_mixed_nogeo.py']

model = dict(loss_geo=dict(_delete_=True, type='GeometricConstraintLoss', loss_weight=0.01))

optim_wrapper = dict(optimizer=dict(type='RMSprop', lr=2.5e-5, alpha=0.99, eps=1e-8))
train_cfg = dict(by_epoch=True, max_epochs=10, val_interval=2)
param_scheduler = []  # constant lr 2.5e-5
