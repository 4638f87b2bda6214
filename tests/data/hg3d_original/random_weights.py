"""Test-only: an ``HourglassNet3D`` with random weights and batch-norm statistics."""
import torch

from models.hg_3d import HourglassNet3D


def random_network(n_stack: int, n_modules: int, n_feats: int, n_reg: int,
                   seed: int = 0) -> torch.nn.Module:
    """Eval mode; BN statistics and affine parameters away from their defaults, so
    that a converter that drops or swaps them changes the outputs."""
    torch.manual_seed(seed)
    net = HourglassNet3D(n_stack, n_modules, n_feats, n_reg)
    for m in net.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
    return net.eval()
