#!/usr/bin/env bash
# Builds the FROM-scratch images from binaries already in dist/ (`just build`, `just build-e2e`):
#
#   scripts/build-image.sh control-plane | watchdog | function <name> | go-function <name> | e2e
#
# The build context is a tar of exactly the Dockerfile and the files it copies, piped to
# `docker build -`: no 500 MB dist/ upload per image, no registry, nothing compiled inside Docker.
# The legacy builder (DOCKER_BUILDKIT=0) is enough for COPY-only Dockerfiles and is what
# Debian's docker.io ships without the buildx plugin. Tags: <repo>:<package version> and :latest.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' package.json | head -1)
kind=${1:?usage: scripts/build-image.sh control-plane|watchdog|function <name>|e2e}
build_args=()

case "$kind" in
  control-plane) repo=nanofaas/control-plane dockerfile=Dockerfile files=(dist/nanofaas) ;;
  watchdog) repo=nanofaas/watchdog dockerfile=docker/watchdog.Dockerfile files=(dist/watchdog) ;;
  function)
    name=${2:?usage: scripts/build-image.sh function <name>}
    repo=nanofaas/$name dockerfile=docker/function.Dockerfile files=("dist/functions/$name")
    build_args=(--build-arg "FUNCTION=$name")
    ;;
  go-function)
    # A static Go binary needs no dist/rootfs; built here because `just build` does not need Go.
    name=${2:?usage: scripts/build-image.sh go-function <name>}
    repo=nanofaas/$name-go dockerfile=docker/go-function.Dockerfile files=("dist/functions/$name-go")
    build_args=(--build-arg "FUNCTION=$name-go")
    scripts/ensure-tools.sh go=golang-go >/dev/null
    mkdir -p dist/functions
    (cd "examples/$name/go" && GOPROXY=off GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0 \
      go build -trimpath -ldflags="-s -w" -o "../../../dist/functions/$name-go" .)
    ;;
  e2e) repo=nanofaas/e2e-slow-upper dockerfile=test/e2e/fixtures/slow-upper.Dockerfile files=(dist/e2e/slow-upper) ;;
  *) echo "unknown image kind: $kind" >&2; exit 2 ;;
esac

[ "$kind" = e2e ] || [ "$kind" = go-function ] || files+=(dist/rootfs)
for f in "${files[@]}"; do
  [ -e "$f" ] || { echo "$f is missing: run \`just build\` (or \`just build-e2e\`) first" >&2; exit 1; }
done

start=$(date +%s)
# Output only on failure: a successful legacy build just prints a deprecation notice.
if ! out=$(tar -c -f - "$dockerfile" "${files[@]}" |
  DOCKER_BUILDKIT=0 docker build --quiet -f "$dockerfile" "${build_args[@]}" \
    -t "$repo:$version" -t "$repo:latest" - 2>&1); then
  echo "$out" >&2
  echo "docker build of $repo failed" >&2
  exit 1
fi
size=$(docker image inspect -f '{{.Size}}' "$repo:latest")
printf 'image %s:latest (%s): %d MB, built in %ds\n' "$repo" "$version" $((size / 1000 / 1000)) $(($(date +%s) - start))
