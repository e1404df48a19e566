#!/usr/bin/env bash
# Installs a Vulkan driver that Dawn (onnxruntime's WebGPU provider) accepts, so the webgpu code path is
# tested on machines without a GPU: Mesa's llvmpipe from Debian bookworm-backports (Mesa 25). Mesa 22 from
# bookworm proper is refused by Dawn ("shaderUniform*ArrayDynamicIndexing required").
# Quick and silent when it is already there; says why and exits 0 where it cannot install (not Debian
# bookworm, not root): the tests that need the adapter then say why they cannot run.
set -euo pipefail

log() { echo "setup-vulkan: $*" >&2; }

icd_present() {
  # The llvmpipe ICD manifest and the loader, at versions new enough for Dawn.
  local mesa
  mesa=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
  [ -n "$mesa" ] && dpkg --compare-versions "$mesa" ge 25 && dpkg-query -W libvulkan1 >/dev/null 2>&1
}

if icd_present; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1 || ! grep -qs 'VERSION_CODENAME=bookworm' /etc/os-release; then
  log "not Debian bookworm: install a Vulkan driver (Mesa >= 24 with llvmpipe, or your GPU's) yourself to test the webgpu device"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  log "not root: run 'sudo bash scripts/setup-vulkan.sh' to install Mesa llvmpipe from bookworm-backports for the webgpu tests"
  exit 0
fi

# The backports suite from the same mirror as the machine's own Debian entry.
source "$(dirname "$0")/backports.sh"
add_bookworm_backports

log "installing Mesa llvmpipe (mesa-vulkan-drivers, libvulkan1) from bookworm-backports"
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null; }; then
  log "could not install Mesa llvmpipe from bookworm-backports (offline?): the webgpu tests will say why they cannot run"
  exit 0
fi
icd_present || log "installed, but mesa-vulkan-drivers is older than 25: Dawn may refuse it"
