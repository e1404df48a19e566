#!/usr/bin/env bash
# Creates, or reuses, the reference venv (PyTorch + transformers) outside the repository.
#   tools/reference/setup.sh            # then: ~/.cache/pasta-studio/reference-venv/bin/python tools/reference/...
# PASTA_REFERENCE_VENV overrides the location, PASTA_REFERENCE_REQUIREMENTS the pins (requirements-export.txt for
# check_export.py), PYTHON the interpreter the venv is made from (3.10+).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${PASTA_REFERENCE_VENV:-$HOME/.cache/pasta-studio/reference-venv}"
python="${PYTHON:-python3}"
requirements="${PASTA_REFERENCE_REQUIREMENTS:-$here/requirements.txt}"

if [ ! -x "$venv/bin/python" ]; then
  echo "creating $venv"
  mkdir -p "$(dirname "$venv")"
  "$python" -m venv "$venv"
fi

# Exit early when every pin is already installed: pip would otherwise re-resolve the large torch wheel.
if "$venv/bin/python" - "$requirements" <<'PY'
import sys
from importlib.metadata import PackageNotFoundError, version

missing = []
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    name, _, wanted = line.partition("==")
    try:
        have = version(name)
    except PackageNotFoundError:
        have = None
    if have is None or have.split("+", 1)[0] != wanted:
        missing.append(f"{name}=={wanted} (have {have})")
if missing:
    print("to install: " + ", ".join(missing))
    sys.exit(1)
PY
then
  echo "reference venv ready: $venv"
  exit 0
fi

"$venv/bin/python" -m pip install --disable-pip-version-check -r "$requirements"
echo "reference venv ready: $venv"
