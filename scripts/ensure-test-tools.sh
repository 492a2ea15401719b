#!/usr/bin/env bash
# The system tools the tests drive besides Python: curl (readiness checks), ps/pgrep (leftover processes),
# tmux (the terminal test of `make shell`), chromium (the widget's browser test), and the servers of the
# scale-out test: PostgreSQL, Redis and nginx; systemd-analyze (checks deploy/systemd/). Installs missing ones with apt-get when run as root on
# Debian/Ubuntu (as in CI); otherwise says what to install.
set -euo pipefail
declare -A package_of=(
    [curl]=curl [ps]=procps [pgrep]=procps [tmux]=tmux [chromium]=chromium
    [redis-server]=redis-server [nginx]=nginx [postgres]=postgresql [systemd-analyze]=systemd
)
# have TOOL: on the PATH, or (PostgreSQL's server, which Debian keeps off the PATH) in its own folder.
have() {
    command -v "$1" >/dev/null 2>&1 && return 0
    case "$1" in
        postgres) compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null ;;
        nginx) [ -x /usr/sbin/nginx ] ;;
        *) return 1 ;;
    esac
}
missing=()
for tool in "${!package_of[@]}"; do
    have "$tool" || missing+=("${package_of[$tool]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing the test tools: $packages"
    # --no-install-recommends: the programs without extras. The tests start servers of their own on free
    # ports, whatever the install may have started.
    read -ra package_list <<<"$packages"
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${package_list[@]}"
else
    echo "ERROR: the tests need these packages: $packages(install them, e.g. sudo apt-get install $packages)" >&2
    exit 1
fi
