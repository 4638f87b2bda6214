#!/usr/bin/env bash
# Evaluate with Slurm (see slurm_train.sh for GPUS, GPUS_PER_NODE, CPUS_PER_TASK, SRUN_ARGS).
#   bash tools/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [tools/test.py arguments]
set -euo pipefail
partition="$1"; job_name="$2"; config="$3"; checkpoint="$4"; shift 4
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$here/slurm_launch.sh" "$partition" "$job_name" "$here/test.py" "$config" \
  "$checkpoint" --launcher=slurm "$@"
