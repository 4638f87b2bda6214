"""Distributed runs: the process-group backend follows the device, on every launcher.

mmengine's ``init_dist`` calls ``torch.cuda.set_device`` whatever the backend, so it
cannot start a CPU-only job, and the Runner wraps the model in
``DistributedDataParallel(device_ids=[LOCAL_RANK])``, which a CPU module refuses. The
tools therefore call :func:`prepare_distributed` on the config and
:func:`init_distributed` before building the Runner:

* backend ``None`` (the default runtime's) becomes ``'gloo'`` without CUDA and
  ``'nccl'`` with it; ``'nccl'`` on a machine without CUDA is a clear error;
* on CUDA the process group is started by mmengine's ``init_dist`` (which also picks the
  GPU); on CPU by :func:`torch.distributed.init_process_group` here, with the rank,
  world size and master address read from torchrun's, Slurm's or Open MPI's variables;
* on CPU the model wrapper gets ``device_ids=None``.
"""
from __future__ import annotations

import contextlib
import datetime
import os
import subprocess
from typing import Any, Callable, Iterator, Mapping

LAUNCHERS = ('none', 'pytorch', 'slurm', 'mpi')
DEFAULT_PORT = 29500


def _cuda() -> bool:
    import torch
    return torch.cuda.is_available()


def resolve_backend(requested: str | None, cuda: bool) -> str:
    """``None``/``'auto'`` -> ``'nccl'`` with CUDA, ``'gloo'`` without; others unchanged.

    Raises:
        ValueError: ``'nccl'`` requested on a machine without CUDA.
    """
    if requested in (None, 'auto'):
        return 'nccl' if cuda else 'gloo'
    if requested == 'nccl' and not cuda:
        raise ValueError("env_cfg.dist_cfg.backend='nccl' needs CUDA GPUs and this machine "
                         'has none: leave the backend unset (None picks gloo on CPU, nccl on '
                         "CUDA) or set 'gloo'")
    return requested


def prepare_distributed(cfg: Any, launcher: str, cuda: bool | None = None) -> None:
    """Fill in the backend and, on CPU, the model wrapper of a distributed run (in place).

    Does nothing for ``launcher='none'``.
    """
    if launcher not in LAUNCHERS:
        raise ValueError(f'launcher must be one of {LAUNCHERS}, got {launcher!r}')
    if launcher == 'none':
        return
    cuda = _cuda() if cuda is None else cuda
    env_cfg = cfg.setdefault('env_cfg', {})
    dist_cfg = env_cfg.setdefault('dist_cfg', {})
    dist_cfg['backend'] = resolve_backend(dist_cfg.get('backend'), cuda)
    if not cuda:
        wrapper = cfg.get('model_wrapper_cfg') or dict(
            type='MMDistributedDataParallel', broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False))
        wrapper['device_ids'] = None  # a CPU module takes no device ids
        cfg.model_wrapper_cfg = wrapper


def _hostname_of(nodelist: str) -> str:
    out = subprocess.run(['scontrol', 'show', 'hostname', nodelist], capture_output=True,
                         text=True, check=True).stdout
    return out.split()[0]


def launcher_env(launcher: str, environ: Mapping[str, str], port: int | None = None,
                 hostname_of: Callable[[str], str] = _hostname_of) -> dict[str, str]:
    """The ``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``, ``MASTER_ADDR`` and ``MASTER_PORT``
    that ``init_process_group('env://')`` needs, from a launcher's own variables.

    torchrun sets them itself; Slurm gives ``SLURM_PROCID``, ``SLURM_NTASKS``,
    ``SLURM_LOCALID`` and ``SLURM_NODELIST`` (the first node is the master, unless
    ``MASTER_ADDR`` is set); Open MPI gives ``OMPI_COMM_WORLD_*`` (``MASTER_ADDR`` must
    be set). ``port`` (``dist_cfg.port``) beats ``MASTER_PORT``, which beats 29500.

    Raises:
        KeyError: naming the missing variable.
    """
    def need(name: str) -> str:
        if name not in environ:
            raise KeyError(f"launcher '{launcher}': environment variable {name} is not set "
                           f'(is this process started by {_STARTER[launcher]}?)')
        return environ[name]

    if launcher == 'pytorch':
        env = dict(RANK=need('RANK'), WORLD_SIZE=need('WORLD_SIZE'),
                   LOCAL_RANK=environ.get('LOCAL_RANK', '0'),
                   MASTER_ADDR=need('MASTER_ADDR'), MASTER_PORT=need('MASTER_PORT'))
    elif launcher == 'slurm':
        env = dict(RANK=need('SLURM_PROCID'), WORLD_SIZE=need('SLURM_NTASKS'),
                   LOCAL_RANK=environ.get('SLURM_LOCALID', '0'),
                   MASTER_ADDR=environ.get('MASTER_ADDR') or hostname_of(
                       need('SLURM_NODELIST')),
                   MASTER_PORT=environ.get('MASTER_PORT', str(DEFAULT_PORT)))
    elif launcher == 'mpi':
        env = dict(RANK=need('OMPI_COMM_WORLD_RANK'), WORLD_SIZE=need('OMPI_COMM_WORLD_SIZE'),
                   LOCAL_RANK=environ.get('OMPI_COMM_WORLD_LOCAL_RANK', '0'),
                   MASTER_ADDR=need('MASTER_ADDR'),
                   MASTER_PORT=environ.get('MASTER_PORT', str(DEFAULT_PORT)))
    else:
        raise ValueError(f'launcher must be one of {LAUNCHERS[1:]}, got {launcher!r}')
    if port is not None:
        env['MASTER_PORT'] = str(port)
    return env


_STARTER = dict(pytorch='torchrun (tools/dist_train.sh)', slurm='srun (tools/slurm_train.sh)',
                mpi='mpirun')


def init_distributed(cfg: Any) -> None:
    """Start the process group of ``cfg.launcher`` unless it is ``'none'`` or started.

    Call after :func:`prepare_distributed`. CUDA: mmengine's ``init_dist``; CPU:
    ``init_process_group`` with the resolved backend and the launcher's variables.
    """
    import torch.distributed as dist

    launcher = cfg.get('launcher', 'none')
    if launcher == 'none' or (dist.is_available() and dist.is_initialized()):
        return
    dist_cfg = dict(cfg.get('env_cfg', {}).get('dist_cfg', {}))
    if _cuda():
        from mmengine.dist import init_dist
        init_dist(launcher, **dist_cfg)
        return
    backend = dist_cfg.pop('backend', 'gloo')
    env = launcher_env(launcher, os.environ, dist_cfg.pop('port', None))
    os.environ.update(env)
    timeout = dist_cfg.pop('timeout', None)
    if timeout is not None:
        dist_cfg['timeout'] = datetime.timedelta(seconds=timeout)
    dist.init_process_group(backend=backend, rank=int(env['RANK']),
                            world_size=int(env['WORLD_SIZE']), **dist_cfg)


def shutdown_distributed(wait_for_peers: bool = True) -> None:
    """Destroy the default process group, if any, so that its communication threads are
    joined before the interpreter exits (left to exit, a rank can abort with
    'terminate called without an active exception').

    Args:
        wait_for_peers: first wait at a barrier until every rank got here, so that no
            rank closes its connections while another still uses them. Pass False on an
            error path, where the other ranks may never arrive.
    """
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        if wait_for_peers and dist.get_world_size() > 1:
            dist.barrier()
        dist.destroy_process_group()


@contextlib.contextmanager
def distributed_run(cfg: Any) -> Iterator[None]:
    """The span of a tool's run: :func:`init_distributed` on entry, and on exit
    :func:`shutdown_distributed`, after a barrier when the body finished (on every rank,
    also one that returned early) and without one when it raised."""
    init_distributed(cfg)
    try:
        yield
    except BaseException:
        shutdown_distributed(wait_for_peers=False)
        raise
    shutdown_distributed()
