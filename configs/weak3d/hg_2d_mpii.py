# Stage 1 of the paper's recipe (method.md): the 2-stack hourglass trained for 2D only,
# on MPII, 60 epochs, RMSprop lr 2.5e-4, batch 6. The depth head is built but gets no
# loss (MPII has no 3D labels) and the geometric constraint is off.
#   python tools/train.py configs/weak3d/hg_2d_mpii.py
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/hourglass_weak3d.py',
    '../_base_/datasets/h36m_mpii.py',
    '../_base_/schedules/rmsprop_paper.py',
]

model = dict(loss_geo=None, codec=_base_.codec)

train_dataloader = dict(
    _delete_=True,
    batch_size={{_base_.batch_size}},
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset={{_base_.mpii_train}},
)
val_dataloader = dict(_base_.eval_loader_settings, dataset=_base_.mpii_val, _delete_=True)
test_dataloader = val_dataloader
val_evaluator = [dict(type='PCKhMetric', threshold=0.5)]
test_evaluator = val_evaluator

train_cfg = dict(by_epoch=True, max_epochs=60, val_interval=5)
param_scheduler = []  # constant lr 2.5e-4
