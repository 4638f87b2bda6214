#!/usr/bin/env bash
# Train with Slurm: one task per process, launched by srun (tools/slurm_launch.sh).
#   [GPUS=8] [GPUS_PER_NODE=8] [CPUS_PER_TASK=5] [SRUN_ARGS=...] \
#     bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [tools/train.py arguments]
# GPUS is the number of tasks (processes); GPUS_PER_NODE=0 runs CPU tasks (gloo), with
# NTASKS_PER_NODE tasks a node (default: GPUS). The master is the job's first node
# (port MASTER_PORT, default 29500). See docs/distributed.md.
set -euo pipefail
partition="$1"; job_name="$2"; config="$3"; work_dir="$4"; shift 4
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$here/slurm_launch.sh" "$partition" "$job_name" "$here/train.py" "$config" \
  --work-dir="$work_dir" --launcher=slurm "$@"
