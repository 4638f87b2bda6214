#!/usr/bin/env bash
# Train on NPROC processes of this machine (or of several, with torchrun's options).
#   bash tools/dist_train.sh CONFIG NPROC [torchrun options] [tools/train.py arguments]
# e.g. bash tools/dist_train.sh configs/weak3d/hg_mixed.py 8 --auto-scale-lr
#      bash tools/dist_train.sh CONFIG 8 --nnodes 2 --node-rank 0 --master-addr 10.0.0.1
# The backend follows the device: gloo on CPU, nccl on CUDA. See docs/distributed.md.
set -euo pipefail
config="$1"; nproc="$2"; shift 2
exec bash "$(dirname "${BASH_SOURCE[0]}")/dist_launch.sh" train.py "$nproc" "$config" "$@"
