# The main job trained in float32 (no autocast): the reference for its bfloat16 accuracy.
# Measured on the main job of its time, whose lab images were also scaled and rotated:
# it builds on that config, so that it reproduces its row.
_base_ = ['./hg_mixed_synth_lab_scale_rotate.py']

optim_wrapper = dict(_delete_=True, type='OptimWrapper',
                     optimizer=_base_.optim_wrapper.optimizer)
