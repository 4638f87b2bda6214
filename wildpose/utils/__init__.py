from .setup_env import allow_mmengine_checkpoints, register_all_modules

__all__ = ['allow_mmengine_checkpoints', 'register_all_modules']
