# The main job trained in float32 (no autocast): the reference for its bfloat16 accuracy.
_base_ = ['./hg_mixed_synth.py']

optim_wrapper = dict(_delete_=True, type='OptimWrapper',
                     optimizer=_base_.optim_wrapper.optimizer)
