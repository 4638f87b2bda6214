# Ablation: lab images with 3D labels only (no wild data, so no geometric constraint).
# Same batch size and number of iterations as the main job.
_base_ = ['./hg_mixed_synth.py']

model = dict(loss_geo=None)
train_dataloader = dict(
    _delete_=True,
    batch_size=_base_.batch_size,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=_base_.lab_train,
)
