# The main synthetic job with this project's depth head and depth loss.
# Inherits wildpose's config by package name, so this file can live anywhere on disk.
_base_ = ['wildpose::weak3d/hg_mixed_synth.py']

# import the plugin (it registers PooledDepthHead and SmoothL1DepthLoss in MODELS)
custom_imports = dict(imports=['example_plugin'], allow_failed_imports=False)

model = dict(
    # _delete_: drop the base head's arguments (in_size, num_stages, ...), not merge them
    head_depth=dict(_delete_=True, type='PooledDepthHead',
                    in_channels={{_base_.channels}}, num_joints={{_base_.num_joints}},
                    hidden=128),
    loss_depth=dict(_delete_=True, type='SmoothL1DepthLoss', loss_weight=0.1, beta=0.1),
)
