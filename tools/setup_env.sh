#!/usr/bin/env bash
# Create (or reuse) the project's virtual environment and install wildpose into it.
#
#   bash tools/setup_env.sh            # -> .venv (override with WILDPOSE_VENV=/path)
#
# Why a script rather than a bare `pip install -e .`:
#   * torch: where a local CPU wheel exists (PIP_FIND_LINKS or /opt/wheels) we install
#     torch==<that version> from it first; the package metadata stays `torch>=2.1`, so
#     pip never reaches for a multi-GB CUDA build on such machines.
#   * xtcocotools: its binary wheels are compiled against numpy 1 and fail to import
#     under numpy 2, so it is built from source after numpy and cython are present.
# The script is idempotent: a stamp holding the hash of the requirement files makes a
# second call a no-op.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${WILDPOSE_VENV:-$repo/.venv}"
python="${PYTHON:-python3}"

# setup.py and the ops' C++/CUDA sources are in the stamp: editing them re-runs the
# install, which rebuilds the compiled ops ahead of time (wildpose/ops/_C*.so).
stamp_value="$(cat "$repo"/requirements/*.txt "$repo/setup.cfg" "$repo/pyproject.toml" "$repo/tools/setup_env.sh" \
  "$repo/setup.py" "$repo"/wildpose/ops/csrc/* | sha256sum | cut -c1-16)"
stamp_file="$venv/.wildpose-env-stamp"
if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp_value" ]]; then
  exit 0
fi

echo "[setup_env] creating environment in $venv" >&2
"$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check)
"${pip[@]}" install -q --upgrade pip

# 1. torch: prefer a CPU wheel already on this disk.
if ! "$venv/bin/python" -c "import torch" 2>/dev/null; then
  wheel_dirs="${PIP_FIND_LINKS:-} /opt/wheels"
  local_wheel=""
  for d in $wheel_dirs; do
    [[ -d "$d" ]] || continue
    local_wheel="$(ls "$d"/torch-*.whl 2>/dev/null | sort -V | tail -n1 || true)"
    [[ -n "$local_wheel" ]] && break
  done
  if [[ -n "$local_wheel" ]]; then
    version="$(basename "$local_wheel" | cut -d- -f2 | cut -d+ -f1)"
    echo "[setup_env] torch $version from local wheel $local_wheel" >&2
    "${pip[@]}" install -q --find-links "$(dirname "$local_wheel")" "torch==$version"
  else
    echo "[setup_env] no local torch wheel found; installing torch>=2.1 from the index" >&2
    "${pip[@]}" install -q "torch>=2.1"
  fi
fi

# 2. build prerequisites, then xtcocotools from source (numpy 2 ABI).
"${pip[@]}" install -q -r "$repo/requirements/build.txt"
if ! "$venv/bin/python" -c "import xtcocotools.coco" 2>/dev/null; then
  "${pip[@]}" install -q --no-build-isolation --no-binary xtcocotools xtcocotools
fi

# 3. the rest, and wildpose itself (editable, no build isolation: torch stays ours).
"${pip[@]}" install -q -r "$repo/requirements/runtime.txt" -r "$repo/requirements/tests.txt"
"${pip[@]}" install -q --no-build-isolation --no-deps -e "$repo"

"$venv/bin/python" - <<'PY'
import numpy, torch, mmengine, mmcv, cv2, xtcocotools.coco  # noqa: F401
print(f"[setup_env] ok: torch {torch.__version__}, numpy {numpy.__version__}, "
      f"mmengine {mmengine.__version__}, mmcv {mmcv.__version__}, opencv {cv2.__version__}")
PY
echo "$stamp_value" > "$stamp_file"
