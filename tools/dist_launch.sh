#!/usr/bin/env bash
# Shared by dist_train.sh and dist_test.sh: run TOOL in NPROC processes with torchrun.
#   bash tools/dist_launch.sh TOOL NPROC [torchrun options] [TOOL arguments]
# torchrun's own multi-node options are recognised anywhere among the arguments and
# passed to torchrun (--nnodes, --node-rank, --master-addr, --master-port, --rdzv-*,
# --max-restarts, --standalone, in - or _ spelling, as --opt=value or --opt value);
# everything else goes to TOOL, followed by --launcher pytorch.
# Environment: PYTHON (default python), and MMPose's NNODES, NODE_RANK, MASTER_ADDR,
# PORT as defaults for those options. With none of them, torchrun runs --standalone
# (one machine, a free port).
set -euo pipefail
tool="$1"; nproc="$2"; shift 2
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python}"

launch=(--nproc-per-node="$nproc")
tool_args=()
seen=" "
while (($#)); do
  case "$1" in
    --nnodes|--node-rank|--node_rank|--master-addr|--master_addr|--master-port|--master_port|\
    --rdzv-backend|--rdzv_backend|--rdzv-endpoint|--rdzv_endpoint|--rdzv-id|--rdzv_id|\
    --max-restarts|--max_restarts)
      launch+=("$1=$2"); seen+="${1//_/-} "; shift 2 ;;
    --nnodes=*|--node-rank=*|--node_rank=*|--master-addr=*|--master_addr=*|--master-port=*|\
    --master_port=*|--rdzv-*=*|--rdzv_*=*|--max-restarts=*|--max_restarts=*)
      launch+=("$1"); name="${1%%=*}"; seen+="${name//_/-} "; shift ;;
    --standalone)
      launch+=("$1"); seen+="--standalone "; shift ;;
    *)
      tool_args+=("$1"); shift ;;
  esac
done
add_default() {  # option, environment value: only when the option was not given
  [[ -n "$2" && "$seen" != *" $1 "* && "$seen" != *" --standalone "* ]] && launch+=("$1=$2")
  return 0
}
add_default --nnodes "${NNODES:-}"
add_default --node-rank "${NODE_RANK:-}"
add_default --master-addr "${MASTER_ADDR:-}"
add_default --master-port "${PORT:-}"
# one machine and no rendezvous given: torchrun picks a free port itself
[[ "$seen" == " " && ${#launch[@]} == 1 ]] && launch+=(--standalone)

export PYTHONPATH="$here/..${PYTHONPATH:+:$PYTHONPATH}"
exec "$python" -m torch.distributed.run "${launch[@]}" "$here/$tool" \
  ${tool_args[@]+"${tool_args[@]}"} --launcher pytorch
