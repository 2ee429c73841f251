#!/usr/bin/env bash
# Builds a runnable jar of the Java runtime plus a function, with the JDK's javac and jar only (no
# Maven, no Gradle, nothing downloaded). Usage: build.sh OUT.jar MAIN_CLASS SOURCE_DIR...
# Run it with: java -jar OUT.jar   (Debian: openjdk-17-jdk-headless)
set -euo pipefail
out=$1 main=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
classes=$(mktemp -d)
trap 'rm -rf "$classes"' EXIT
# javac's output is shown only on failure: it always warns that sun.misc.Signal (module
# jdk.unsupported, the only way to turn SIGTERM into a drain and exit 0) is internal API.
if ! log=$(find "$here/src" "$@" -name '*.java' -print0 | xargs -0 javac --release 17 -encoding UTF-8 -d "$classes" 2>&1); then
  echo "$log" >&2
  exit 1
fi
jar --create --file "$out" --main-class "$main" -C "$classes" .
