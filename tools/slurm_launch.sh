#!/usr/bin/env bash
# The srun call shared by slurm_train.sh and slurm_test.sh: one task per process.
#   bash tools/slurm_launch.sh PARTITION JOB_NAME TOOL.py [tool arguments, --launcher=slurm included]
# Environment: GPUS (tasks, default 8), GPUS_PER_NODE (default 8; 0 runs CPU tasks with
# gloo, NTASKS_PER_NODE a node, default GPUS), CPUS_PER_TASK (default 5), SRUN_ARGS,
# PYTHON. See docs/distributed.md.
set -euo pipefail
partition="$1"; job_name="$2"; tool="$3"; shift 3
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
  "${PYTHON:-python}" -u "$tool" "$@"
