"""Stand-ins for the authors' ``models.hg_3d.Hourglass`` and ``HourglassNet3D`` (test only).

Layout (16 joints): stem conv1_ (7x7 s2, 64) - bn1 - relu - r1 (64->128) - maxpool -
r4 (128) - r5 (128->nFeats); per stack: hourglass[i] (depth 4), nModules residuals
``Residual[i * nModules + j]``, ``lin_[i]`` (1x1 conv, BN, ReLU), ``tmpOut[i]`` (1x1 conv
to the heatmaps), then ``x = x + ll_[i](features) + tmpOut_[i](heatmaps)``; after the
stacks, 4 x (nRegModules residuals ``reg_[k]`` + maxpool) and the Linear ``reg``
(4*4*nFeats -> 16). forward returns [heatmaps of each stack..., depths].
"""
import torch.nn as nn

from .layers.Residual import Residual

NUM_JOINTS = 16


class Hourglass(nn.Module):
    """n 2x down-samplings; nModules residuals on the skip branch (up1_), after the
    pool (low1_), at the bottom (low2_, when n == 1; otherwise the nested low2), before
    the nearest-neighbour 2x up-sampling (low3_); the branches are summed."""

    def __init__(self, n, nModules, nFeats):
        super().__init__()
        self.n, self.nModules, self.nFeats = n, nModules, nFeats

        def stack():
            return nn.ModuleList([Residual(nFeats, nFeats) for _ in range(nModules)])

        self.up1_ = stack()
        self.low1 = nn.MaxPool2d(kernel_size=2, stride=2)
        self.low1_ = stack()
        if n > 1:
            self.low2 = Hourglass(n - 1, nModules, nFeats)
        else:
            self.low2_ = stack()
        self.low3_ = stack()
        self.up2 = nn.Upsample(scale_factor=2)

    def forward(self, x):
        up1 = x
        for block in self.up1_:
            up1 = block(up1)
        low = self.low1(x)
        for block in self.low1_:
            low = block(low)
        if self.n > 1:
            low = self.low2(low)
        else:
            for block in self.low2_:
                low = block(low)
        for block in self.low3_:
            low = block(low)
        return up1 + self.up2(low)


class HourglassNet3D(nn.Module):

    def __init__(self, nStack, nModules, nFeats, nRegModules):
        super().__init__()
        self.nStack, self.nModules = nStack, nModules
        self.nFeats, self.nRegModules = nFeats, nRegModules
        self.conv1_ = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.r1 = Residual(64, 128)
        self.maxpool = nn.MaxPool2d(kernel_size=2, stride=2)
        self.r4 = Residual(128, 128)
        self.r5 = Residual(128, nFeats)
        self.hourglass = nn.ModuleList([Hourglass(4, nModules, nFeats)
                                        for _ in range(nStack)])
        self.Residual = nn.ModuleList([Residual(nFeats, nFeats)
                                       for _ in range(nStack * nModules)])
        self.lin_ = nn.ModuleList([
            nn.Sequential(nn.Conv2d(nFeats, nFeats, kernel_size=1), nn.BatchNorm2d(nFeats),
                          self.relu) for _ in range(nStack)])
        self.tmpOut = nn.ModuleList([nn.Conv2d(nFeats, NUM_JOINTS, kernel_size=1)
                                     for _ in range(nStack)])
        self.ll_ = nn.ModuleList([nn.Conv2d(nFeats, nFeats, kernel_size=1)
                                  for _ in range(nStack)])
        self.tmpOut_ = nn.ModuleList([nn.Conv2d(NUM_JOINTS, nFeats, kernel_size=1)
                                      for _ in range(nStack)])
        self.reg_ = nn.ModuleList([Residual(nFeats, nFeats) for _ in range(4 * nRegModules)])
        self.reg = nn.Linear(4 * 4 * nFeats, NUM_JOINTS)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1_(x)))
        x = self.r4(self.maxpool(self.r1(x)))
        x = self.r5(x)
        out = []
        for i in range(self.nStack):
            ll = self.hourglass[i](x)
            for j in range(self.nModules):
                ll = self.Residual[i * self.nModules + j](ll)
            ll = self.lin_[i](ll)
            heatmaps = self.tmpOut[i](ll)
            out.append(heatmaps)
            x = x + self.ll_[i](ll) + self.tmpOut_[i](heatmaps)
        for i in range(4):
            for j in range(self.nRegModules):
                x = self.reg_[i * self.nRegModules + j](x)
            x = self.maxpool(x)
        out.append(self.reg(x.view(x.size(0), -1)))
        return out
