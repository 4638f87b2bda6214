"""wildpose.engine.distributed and the launcher scripts' argument handling."""
from __future__ import annotations

import os
import os.path as osp
import stat
import subprocess

import pytest
from mmengine.config import Config

from wildpose.engine.distributed import launcher_env, prepare_distributed, resolve_backend

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_the_backend_follows_the_device():
    assert resolve_backend(None, cuda=False) == 'gloo'
    assert resolve_backend(None, cuda=True) == 'nccl'
    assert resolve_backend('auto', cuda=True) == 'nccl'
    assert resolve_backend('gloo', cuda=True) == 'gloo'  # an explicit choice stays
    with pytest.raises(ValueError, match="'nccl' needs CUDA"):
        resolve_backend('nccl', cuda=False)


def test_prepare_distributed_on_cpu_and_cuda():
    base = osp.join(REPO, 'configs', 'weak3d', 'hg_mixed_synth.py')
    cfg = Config.fromfile(base)
    assert cfg.env_cfg.dist_cfg.backend is None  # the default runtime leaves it to us
    prepare_distributed(cfg, 'pytorch', cuda=False)
    assert cfg.env_cfg.dist_cfg.backend == 'gloo'
    assert cfg.model_wrapper_cfg == dict(type='MMDistributedDataParallel', device_ids=None,
                                         broadcast_buffers=False,
                                         find_unused_parameters=False)
    cfg = Config.fromfile(base)
    prepare_distributed(cfg, 'slurm', cuda=True)
    assert cfg.env_cfg.dist_cfg.backend == 'nccl' and 'model_wrapper_cfg' not in cfg
    cfg = Config.fromfile(base)
    prepare_distributed(cfg, 'none', cuda=False)
    assert cfg.env_cfg.dist_cfg.backend is None
    with pytest.raises(ValueError, match='launcher'):
        prepare_distributed(cfg, 'torchrun')


def test_launcher_env_from_slurm_and_mpi_variables():
    slurm = dict(SLURM_PROCID='3', SLURM_NTASKS='4', SLURM_LOCALID='1',
                 SLURM_NODELIST='node[07-08]')
    env = launcher_env('slurm', slurm, hostname_of=lambda nodes: {'node[07-08]': 'node07'}[
        nodes])
    assert env == dict(RANK='3', WORLD_SIZE='4', LOCAL_RANK='1', MASTER_ADDR='node07',
                       MASTER_PORT='29500')
    env = launcher_env('slurm', dict(slurm, MASTER_ADDR='10.0.0.2', MASTER_PORT='1234'),
                       port=4321, hostname_of=None)
    assert (env['MASTER_ADDR'], env['MASTER_PORT']) == ('10.0.0.2', '4321')
    mpi = dict(OMPI_COMM_WORLD_RANK='1', OMPI_COMM_WORLD_SIZE='2', MASTER_ADDR='h')
    assert launcher_env('mpi', mpi)['RANK'] == '1'
    with pytest.raises(KeyError, match='WORLD_SIZE is not set.*torchrun'):
        launcher_env('pytorch', dict(RANK='0'))


def _fake(tmp_path, name: str) -> str:
    """An executable that prints its arguments, one a line."""
    path = tmp_path / name
    path.write_text('#!/usr/bin/env bash\nprintf "%s\\n" "$@"\n')
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def _args(cmd: list[str], env: dict) -> list[str]:
    env = {k: v for k, v in dict(os.environ, **env).items()
           if k not in ('NNODES', 'NODE_RANK', 'MASTER_ADDR', 'PORT')} | env
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    return out.splitlines()


def test_dist_train_routes_torchrun_options_and_tool_arguments(tmp_path):
    python = _fake(tmp_path, 'python')
    script = osp.join(REPO, 'tools', 'dist_train.sh')
    args = _args(['bash', script, 'cfg.py', '4', '--nnodes', '2', '--node-rank=1',
                  '--master_addr', '10.0.0.1', '--work-dir', 'w', '--cfg-options', 'a=1'],
                 dict(PYTHON=python))
    assert args[:2] == ['-m', 'torch.distributed.run']
    launch, tool = args[2:args.index(osp.join(REPO, 'tools', 'train.py'))], \
        args[args.index(osp.join(REPO, 'tools', 'train.py')) + 1:]
    assert launch == ['--nproc-per-node=4', '--nnodes=2', '--node-rank=1',
                      '--master_addr=10.0.0.1']
    assert tool == ['cfg.py', '--work-dir', 'w', '--cfg-options', 'a=1', '--launcher',
                    'pytorch']
    # one machine, nothing given: torchrun picks a free port itself
    args = _args(['bash', script, 'cfg.py', '2'], dict(PYTHON=python))
    assert args[2:4] == ['--nproc-per-node=2', '--standalone']
    # MMPose's environment variables still work
    args = _args(['bash', osp.join(REPO, 'tools', 'dist_test.sh'), 'cfg.py', 'c.pth', '2'],
                 dict(PYTHON=python, PORT='29999'))
    assert args[2:4] == ['--nproc-per-node=2', '--master-port=29999']
    assert args[-4:] == ['cfg.py', 'c.pth', '--launcher', 'pytorch']


def test_slurm_scripts_build_the_srun_command(tmp_path):
    _fake(tmp_path, 'srun')
    env = dict(PATH=f'{tmp_path}:{os.environ["PATH"]}', GPUS='16', GPUS_PER_NODE='8',
               PYTHON='py')
    args = _args(['bash', osp.join(REPO, 'tools', 'slurm_train.sh'), 'part', 'job', 'c.py',
                  'w', '--amp'], env)
    assert args[:3] == ['-p', 'part', '--job-name=job']
    assert {'--gres=gpu:8', '--ntasks=16', '--ntasks-per-node=8'} <= set(args)
    assert args[-6:] == ['-u', osp.join(REPO, 'tools', 'train.py'), 'c.py', '--work-dir=w',
                         '--launcher=slurm', '--amp']
    args = _args(['bash', osp.join(REPO, 'tools', 'slurm_test.sh'), 'part', 'job', 'c.py',
                  'c.pth'], dict(env, GPUS='4', GPUS_PER_NODE='0'))
    assert not [a for a in args if a.startswith('--gres')]
    assert '--ntasks-per-node=4' in args
    assert args[-5:] == ['-u', osp.join(REPO, 'tools', 'test.py'), 'c.py', 'c.pth',
                         '--launcher=slurm']


def test_shutdown_destroys_the_process_group_and_is_a_no_op_without_one(tmp_path):
    import torch.distributed as dist

    from wildpose.engine.distributed import shutdown_distributed
    shutdown_distributed()  # nothing started: nothing to do
    dist.init_process_group('gloo', init_method=f'file://{tmp_path}/store', rank=0,
                            world_size=1)
    assert dist.is_initialized()
    shutdown_distributed()
    assert not dist.is_initialized()
