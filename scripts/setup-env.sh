#!/usr/bin/env bash
# Creates the project's virtual environment (.venv by default) with Python 3.10 and installs the
# pinned stack: versions come from constraints.txt, so every machine gets the same environment.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv}

python=$(scripts/find-python.sh)
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
    echo "Creating $venv with $python ($("$python" --version))"
    rm -rf "$venv"
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip==24.0"
echo "Installing the pinned dependencies into $venv (about 2.7 GB, a few minutes the first time)..."
"$venv/bin/python" -m pip install --disable-pip-version-check --progress-bar off \
    --constraint constraints.txt --editable ".[dev]"
"$venv/bin/python" -m pip check
