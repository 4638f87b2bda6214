#!/usr/bin/env bash
# Train with Slurm: one task per process, launched by srun.
#   [GPUS=8] [GPUS_PER_NODE=8] [CPUS_PER_TASK=5] [SRUN_ARGS=...] \
#     bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [tools/train.py arguments]
# GPUS is the number of tasks (processes); GPUS_PER_NODE=0 runs CPU tasks (gloo), with
# NTASKS_PER_NODE tasks a node (default: GPUS). The master is the job's first node
# (port MASTER_PORT, default 29500). See docs/distributed.md.
set -euo pipefail
partition="$1"; job_name="$2"; config="$3"; work_dir="$4"; shift 4
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
gpus="${GPUS:-8}"
gpus_per_node="${GPUS_PER_NODE:-8}"
if [[ "$gpus_per_node" == 0 ]]; then
  per_node="${NTASKS_PER_NODE:-$gpus}"; gres=()
else
  per_node="$gpus_per_node"; gres=(--gres="gpu:$gpus_per_node")
fi
export PYTHONPATH="$here/..${PYTHONPATH:+:$PYTHONPATH}"
# SRUN_ARGS is a list of options: split on spaces on purpose
# shellcheck disable=SC2086
exec srun -p "$partition" --job-name="$job_name" ${gres[@]+"${gres[@]}"} \
  --ntasks="$gpus" --ntasks-per-node="$per_node" --cpus-per-task="${CPUS_PER_TASK:-5}" \
  --kill-on-bad-exit=1 ${SRUN_ARGS:-} \
  "${PYTHON:-python}" -u "$here/train.py" "$config" --work-dir="$work_dir" \
  --launcher=slurm "$@"
