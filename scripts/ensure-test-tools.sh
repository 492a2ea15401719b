#!/usr/bin/env bash
# The system tools the tests drive besides Python: curl (readiness checks), ps/pgrep (leftover
# processes), tmux (the terminal test of `make shell`), chromium (the widget's browser test). Installs missing ones with apt-get when run
# as root on Debian/Ubuntu (as in CI); otherwise says what to install.
set -euo pipefail
declare -A package_of=([curl]=curl [ps]=procps [pgrep]=procps [tmux]=tmux [chromium]=chromium)
missing=()
for tool in "${!package_of[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("${package_of[$tool]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing the test tools: $packages"
    apt-get update -qq && apt-get install -y -qq $packages
else
    echo "ERROR: the tests need these packages: $packages(install them, e.g. sudo apt-get install $packages)" >&2
    exit 1
fi
