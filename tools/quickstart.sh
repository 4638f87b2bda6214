#!/usr/bin/env bash
# The main job, from a fresh checkout: set up the environment, generate the embedded
# synthetic lab/wild benchmark, train the full method (mixed 3D + 2D batches with the
# geometric constraint) and evaluate it on lab_test and wild_test.
#   bash tools/quickstart.sh [extra tools/train.py args...]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$repo/tools/setup_env.sh"
py="${WILDPOSE_VENV:-$repo/.venv}/bin/python"
cd "$repo"
config=configs/weak3d/hg_mixed_synth.py
work_dir=work_dirs/hg_mixed_synth
# no validation at the end of training: the test right after evaluates the same images
# and draws the pictures (the first 6 of each domain)
"$py" tools/train.py "$config" --work-dir "$work_dir" --no-validate "$@"
ckpt="$(cat "$work_dir/last_checkpoint")"
"$py" tools/test.py "$config" "$ckpt" --work-dir "$work_dir/test" \
    --show-dir "$work_dir/test/vis" --show-max 6
echo "Metrics: $work_dir/test/metrics.json; report: $work_dir/test/report.md;"
echo "pictures: $work_dir/test/vis/"
