#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 refuses 3.11 and later), or fails saying
# how to get one. Looks at $PYTHON310, python3.10 on the PATH, pyenv's versions, then python3.
set -euo pipefail

is_python310() {
    [ -n "$1" ] && "$1" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null
}

candidates=()
[ -n "${PYTHON310:-}" ] && candidates+=("$PYTHON310")
candidates+=("$(command -v python3.10 || true)")
if command -v pyenv >/dev/null 2>&1; then
    pyenv_root=$(pyenv root)
    # Newest 3.10.x first.
    while IFS= read -r version; do
        candidates+=("$pyenv_root/versions/$version/bin/python3.10")
    done < <(
        for path in "$pyenv_root"/versions/3.10.*; do
            version=${path##*/}
            if [[ $version =~ ^3\.10\.[0-9]+$ ]]; then echo "$version"; fi
        done | sort -t. -k3,3nr
    )
fi
for root in "${PYENV_ROOT:-}" "$HOME/.pyenv"; do
    [ -n "$root" ] && for python in "$root"/versions/3.10.*/bin/python3.10; do candidates+=("$python"); done
done
candidates+=("$(command -v python3 || true)")

for python in "${candidates[@]}"; do
    if is_python310 "$python"; then
        echo "$python"
        exit 0
    fi
done

cat >&2 <<'MSG'
ERROR: Python 3.10 not found (Rasa 3.6 does not run on Python 3.11 or later).
Install it, for example with `pyenv install 3.10.13`, or with your system's python3.10 and
python3.10-venv packages; or point to one with `make PYTHON310=/path/to/python3.10 ...`.
MSG
exit 1
