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
    NANOFAAS_FUNCTIONS_DIR="${NANOFAAS_FUNCTIONS_DIR:-examples/functions}" BUN_CONFIG_MAX_HTTP_REQUESTS="${BUN_CONFIG_MAX_HTTP_REQUESTS:-16384}" bun --watch src/main.ts

# run the control plane (process backend, examples registered)
start:
    NANOFAAS_FUNCTIONS_DIR="${NANOFAAS_FUNCTIONS_DIR:-examples/functions}" BUN_CONFIG_MAX_HTTP_REQUESTS="${BUN_CONFIG_MAX_HTTP_REQUESTS:-16384}" bun run src/main.ts

# type check and lint
check:
    tsc --noEmit -p .
    biome lint src watchdog runtimes test examples bench cli scripts

# unit and integration tests
test *ARGS:
    bun test --timeout 30000 {{ARGS}}

# write openapi/openapi.json from the code
openapi:
    bun run scripts/write-openapi.ts

# compile the control plane and the watchdog into dist/
build: build-control-plane build-watchdog

# compile the control plane into dist/nanofaas
build-control-plane:
    bun build --compile --minify src/main.ts --outfile dist/nanofaas

# compile the watchdog into dist/watchdog
build-watchdog:
    bun build --compile --minify watchdog/src/main.ts --outfile dist/watchdog

# regenerate docs that are generated from code (configuration table)
docs:
    bun run scripts/write-config-docs.ts

# ring buffer vs plain array microbenchmark (add --json for a machine-readable report)
bench-ring:
    bun bench/ring-buffer.ts
