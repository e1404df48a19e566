#!/usr/bin/env bash
# Builds the VSIX for one VS Code target: a production bundle, and of onnxruntime-node's natives only the
# target's. Usage: scripts/package-vsix.sh [linux-x64|linux-arm64|darwin-arm64|win32-x64|win32-arm64]
# (default: this machine's). Writes pasta-studio-<target>-<version>.vsix in the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."

host_target() {
  local os arch
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; MINGW*|MSYS*|CYGWIN*) os=win32 ;; *) os=unknown ;; esac
  case "$(uname -m)" in x86_64|amd64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) arch=unknown ;; esac
  echo "$os-$arch"
}

target="${1:-$(host_target)}"
case "$target" in
  linux-x64|linux-arm64|darwin-arm64|win32-x64|win32-arm64) ;;
  *) echo "package-vsix: unsupported target '$target' (onnxruntime-node ships natives for linux-x64, linux-arm64, darwin-arm64, win32-x64, win32-arm64)" >&2; exit 1 ;;
esac
natives="node_modules/onnxruntime-node/bin/napi-v6/${target%-*}/${target#*-}"
if [ ! -f "$natives/onnxruntime_binding.node" ]; then
  echo "package-vsix: $natives/onnxruntime_binding.node is missing; run npm ci first" >&2
  exit 1
fi

node scripts/build.mjs --production

ignore="$(mktemp)"
trap 'rm -f "$ignore"' EXIT
# Dawn for Node ships one universal binary for macOS.
dawn="node_modules/webgpu/dist/$(case "$target" in darwin-*) echo darwin-universal ;; *) echo "$target" ;; esac)"
# The checked-in .vscodeignore, with the linux-x64 natives swapped for the target's.
sed -e "s#^!node_modules/onnxruntime-node/bin/napi-v6/linux/x64/\*\*\$#!$natives/**#" \
  -e "s#^!node_modules/webgpu/dist/linux-x64/\*\*\$#!$dawn/**#" .vscodeignore >"$ignore"
grep -qx "!$natives/\*\*" "$ignore" || { echo "package-vsix: .vscodeignore has no natives line to retarget" >&2; exit 1; }
grep -qx "!$dawn/\*\*" "$ignore" || { echo "package-vsix: .vscodeignore has no webgpu line to retarget" >&2; exit 1; }

version="$(node -p "require('./package.json').version")"
out="pasta-studio-${target}-${version}.vsix"
npx --no-install vsce package --target "$target" --ignoreFile "$ignore" --out "$out"
echo "$out"
