#!/usr/bin/env bash
# Evaluate a checkpoint on NPROC processes; metrics are computed once, over all of them.
#   bash tools/dist_test.sh CONFIG CHECKPOINT NPROC [torchrun options] [tools/test.py arguments]
set -euo pipefail
config="$1"; checkpoint="$2"; nproc="$3"; shift 3
exec bash "$(dirname "${BASH_SOURCE[0]}")/dist_launch.sh" test.py "$nproc" \
  "$config" "$checkpoint" "$@"
