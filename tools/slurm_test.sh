#!/usr/bin/env bash
# Evaluate with Slurm (see slurm_train.sh for GPUS, GPUS_PER_NODE, CPUS_PER_TASK, SRUN_ARGS).
#   bash tools/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [tools/test.py arguments]
set -euo pipefail
partition="$1"; job_name="$2"; config="$3"; checkpoint="$4"; shift 4
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
gpus="${GPUS:-8}"
gpus_per_node="${GPUS_PER_NODE:-8}"
if [[ "$gpus_per_node" == 0 ]]; then
  per_node="${NTASKS_PER_NODE:-$gpus}"; gres=()
else
  per_node="$gpus_per_node"; gres=(--gres="gpu:$gpus_per_node")
fi
export PYTHONPATH="$here/..${PYTHONPATH:+:$PYTHONPATH}"
# shellcheck disable=SC2086
exec srun -p "$partition" --job-name="$job_name" ${gres[@]+"${gres[@]}"} \
  --ntasks="$gpus" --ntasks-per-node="$per_node" --cpus-per-task="${CPUS_PER_TASK:-5}" \
  --kill-on-bad-exit=1 ${SRUN_ARGS:-} \
  "${PYTHON:-python}" -u "$here/test.py" "$config" "$checkpoint" --launcher=slurm "$@"
