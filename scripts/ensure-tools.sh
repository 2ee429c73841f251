#!/usr/bin/env bash
# Installs from Debian the system tools that are missing. Arguments: COMMAND=PACKAGE pairs, e.g.
# `scripts/ensure-tools.sh promtool=prometheus kubectl=kubernetes-client`; a COMMAND that is an
# absolute path is checked as a file (nginx lives in /usr/sbin, often not on a user's PATH) and may be
# a glob (`/usr/lib/postgresql/*/bin/initdb=postgresql`: the server's version is in its path).
# Runs `apt-get update` once, only if something is missing. Needs root (CI) or passwordless sudo;
# otherwise it prints the apt-get line to run and fails. Prints the packages it installed.
set -euo pipefail
missing=()
for pair in "$@"; do
  cmd=${pair%%=*} pkg=${pair#*=}
  if [[ $cmd == /* ]]; then
    found=""
    for file in $cmd; do [ -x "$file" ] && found=1; done
    [ -n "$found" ] && continue
  else command -v "$cmd" >/dev/null 2>&1 && continue; fi
  [[ " ${missing[*]:-} " == *" $pkg "* ]] || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "installing ${missing[*]} from Debian" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "need root or passwordless sudo to install ${missing[*]}: run  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "${missing[*]}"
