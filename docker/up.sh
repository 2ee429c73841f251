#!/usr/bin/env bash
# Makes sure a Docker engine answers on the local socket (`just docker-up`); idempotent.
#
# 1. If `docker info` already works (Docker Desktop, a system service), do nothing.
# 2. Otherwise install Debian's `docker.io` if dockerd is missing (root, or sudo), and start
#    dockerd in the background, logging to $DOCKERD_LOG. The storage driver defaults to vfs:
#    it works inside containers (CI runners, dev containers) where overlayfs cannot be nested.
# 3. Wait for the daemon; fail loudly with the end of its log if it does not come up.
set -euo pipefail

DOCKERD_LOG=${DOCKERD_LOG:-/tmp/nanofaas-dockerd.log}
STORAGE_DRIVER=${DOCKERD_STORAGE_DRIVER:-vfs}
WAIT_SECONDS=${DOCKERD_WAIT_SECONDS:-60}

if docker info >/dev/null 2>&1; then
  exit 0
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "docker-up: need root (or sudo) to run: $*" >&2; exit 1
  fi
}

if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
  echo "docker-up: installing docker.io from the Debian archive"
  start=$(date +%s)
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
  echo "docker-up: installed in $(($(date +%s) - start))s"
fi

if ! pgrep -x dockerd >/dev/null; then
  echo "docker-up: starting dockerd (storage driver $STORAGE_DRIVER, log $DOCKERD_LOG)"
  as_root bash -c "nohup dockerd --storage-driver='$STORAGE_DRIVER' >'$DOCKERD_LOG' 2>&1 &"
fi

for _ in $(seq 1 "$((WAIT_SECONDS * 4))"); do
  if docker info >/dev/null 2>&1; then
    echo "docker-up: $(docker version --format 'engine {{.Server.Version}} (API {{.Server.APIVersion}})')"
    exit 0
  fi
  sleep 0.25
done
echo "docker-up: the Docker engine did not answer within ${WAIT_SECONDS}s:" >&2
docker info 2>&1 | tail -n 3 >&2 || true
echo "end of $DOCKERD_LOG:" >&2
tail -n 30 "$DOCKERD_LOG" >&2 || true
exit 1
