#!/usr/bin/env bash
# Installs what `just bench` needs from Debian when it is missing: wrk (load generator),
# nginx-light (the reverse-proxy reference) and taskset. Needs root (CI) or passwordless sudo.
set -euo pipefail
installed=$("$(dirname "$0")/../scripts/ensure-tools.sh" wrk=wrk /usr/sbin/nginx=nginx-light taskset=util-linux)
# Debian starts the nginx service on install; the bench runs its own instances.
if [[ " $installed " == *" nginx-light "* ]] && command -v systemctl >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
  $SUDO systemctl disable --now nginx >/dev/null 2>&1 || true
fi
