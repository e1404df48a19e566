#!/usr/bin/env bash
# Installs qemu-user from Debian bookworm-backports (QEMU 10), which runs node on an emulated x86 CPU without VNNI
# (-cpu Haswell: AVX2; -cpu Nehalem: SSE4.2): the int8 tests check there that onnxruntime's saturating integer
# kernel is detected and the weights get 7 bits (src/core/engine/int8Kernel.ts). Quick and silent when it is
# there; says why and exits 0 where it cannot install (not x86-64 Debian bookworm, not root): those tests then
# say why they cannot run.
set -euo pipefail

log() { echo "setup-qemu: $*" >&2; }

if command -v qemu-x86_64 >/dev/null 2>&1; then
  exit 0
fi
if [ "$(uname -m)" != x86_64 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1 || ! grep -qs 'VERSION_CODENAME=bookworm' /etc/os-release; then
  log "not Debian bookworm: install qemu-user (QEMU >= 7.2, for AVX2 emulation) yourself to run the int8 CPU-model tests"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  log "not root: run 'sudo bash scripts/setup-qemu.sh' to install qemu-user from bookworm-backports for the int8 CPU-model tests"
  exit 0
fi

source "$(dirname "$0")/backports.sh"
add_bookworm_backports
log "installing qemu-user from bookworm-backports"
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -t bookworm-backports qemu-user >/dev/null; }; then
  log "could not install qemu-user from bookworm-backports (offline?): the int8 CPU-model tests will say why they cannot run"
  exit 0
fi
