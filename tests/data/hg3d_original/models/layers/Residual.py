"""Stand-in for the authors' ``models.layers.Residual.Residual`` (test only)."""
import torch.nn as nn


class Residual(nn.Module):
    """Pre-activation bottleneck: bn-relu-conv1(1x1, out/2)-bn1-relu-conv2(3x3, out/2)-
    bn2-relu-conv3(1x1, out), plus the input (through conv4, 1x1, when widths differ)."""

    def __init__(self, numIn, numOut):
        super().__init__()
        half = numOut // 2
        self.numIn, self.numOut = numIn, numOut
        self.bn = nn.BatchNorm2d(numIn)
        self.relu = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(numIn, half, kernel_size=1)
        self.bn1 = nn.BatchNorm2d(half)
        self.conv2 = nn.Conv2d(half, half, kernel_size=3, stride=1, padding=1)
        self.bn2 = nn.BatchNorm2d(half)
        self.conv3 = nn.Conv2d(half, numOut, kernel_size=1)
        if numIn != numOut:
            self.conv4 = nn.Conv2d(numIn, numOut, kernel_size=1)

    def forward(self, x):
        y = self.conv1(self.relu(self.bn(x)))
        y = self.conv2(self.relu(self.bn1(y)))
        y = self.conv3(self.relu(self.bn2(y)))
        skip = self.conv4(x) if self.numIn != self.numOut else x
        return y + skip
