# Shared by the evaluation configs: the paper's network and the real datasets' test
# pipelines; nothing to train (no training loader, optimiser or schedule).
_base_ = ['./default_runtime.py', './models/hourglass_weak3d.py', './datasets/h36m_mpii.py']

model = dict(codec=_base_.codec)
train_dataloader = None
val_dataloader = None
val_evaluator = None
test_cfg = dict()
