#!/usr/bin/env bash
# Set up the environment (first run only) and run the test suite.
#   bash tools/run_tests.sh [pytest args...]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$repo/tools/setup_env.sh"
venv="${WILDPOSE_VENV:-$repo/.venv}"
cd "$repo"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
exec "$venv/bin/python" -m pytest -q "$@"
