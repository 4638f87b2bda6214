# The paper's optimiser: RMSprop, lr 2.5e-4 (stage 1 and 2), dropped 10x late in training.
optim_wrapper = dict(optimizer=dict(type='RMSprop', lr=2.5e-4, alpha=0.99, eps=1e-8))
train_cfg = dict(by_epoch=True, max_epochs=30, val_interval=5)
val_cfg = dict()
test_cfg = dict()
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[25], gamma=0.1)]
