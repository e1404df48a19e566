#!/usr/bin/env bash
# Prepares gpu-bundle/ (ignored by git) for scripts/gpu-check.sh on a GPU machine that has Python but maybe no
# Node and no network: one payload.tar.xz (at most 64 MiB with the tracked repository beside it) holding this
# machine's node binary, onnxruntime-node's JS and linux-x64 natives (WebGPU built in), Dawn for Node (to name
# the GPU adapter), the Vulkan loader, and the check's programs bundled by esbuild. Run it here, after `npm ci`:
#   bash scripts/gpu-bundle.sh        then carry gpu-bundle/ with the repository
# GPU_BUNDLE_XZ (default -9e: what keeps the payload under 60 MiB) sets xz's level; a dry run here may take -1
# (xz -9e takes tens of minutes of a loaded 2-vCPU machine).
set -euo pipefail
cd "$(dirname "$0")/.."
out=gpu-bundle
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || { echo "gpu-bundle: builds the linux-x64 payload; this is $(uname -s)-$(uname -m)" >&2; exit 1; }
ort=node_modules/onnxruntime-node
[ -f "$ort/bin/napi-v6/linux/x64/libonnxruntime.so.1" ] || { echo "gpu-bundle: $ort has no linux-x64 natives: run npm ci first" >&2; exit 1; }

mkdir -p "$stage/bin" "$stage/lib" "$stage/js" "$stage/node_modules"
cp "$(command -v node)" "$stage/bin/node"
# onnxruntime-node as its package resolves at run time: its JS, onnxruntime-common's CJS, the natives.
mkdir -p "$stage/$ort/bin/napi-v6/linux/x64" "$stage/node_modules/onnxruntime-common/dist"
cp "$ort/package.json" "$stage/$ort/"
cp -r "$ort/dist" "$stage/$ort/"
cp "$ort"/bin/napi-v6/linux/x64/* "$stage/$ort/bin/napi-v6/linux/x64/"
cp node_modules/onnxruntime-common/package.json "$stage/node_modules/onnxruntime-common/"
cp -r node_modules/onnxruntime-common/dist/cjs "$stage/node_modules/onnxruntime-common/dist/"
# Dawn for Node: only its package.json and the linux-x64 binding (the probe requires dawn.node directly).
mkdir -p "$stage/node_modules/webgpu/dist/linux-x64"
cp node_modules/webgpu/package.json "$stage/node_modules/webgpu/"
cp node_modules/webgpu/dist/linux-x64/dawn.node "$stage/node_modules/webgpu/dist/linux-x64/"
# The Vulkan loader, used only where the GPU machine has none of its own.
vulkan=$(ldconfig -p 2>/dev/null | awk '/libvulkan\.so\.1 .*x86-64/ {print $NF; exit}')
if [ -n "$vulkan" ]; then cp -L "$vulkan" "$stage/lib/libvulkan.so.1"; else echo "gpu-bundle: no libvulkan.so.1 here: the payload carries no Vulkan loader" >&2; fi

node --input-type=module -e "
import { build } from 'esbuild';
const entries = { environment: 'bench/gpuCheck/environment.ts', parity: 'bench/gpuCheck/parity.ts', trainStep: 'bench/trainStep.ts' };
await Promise.all(Object.entries(entries).map(([name, entry]) => build({
  entryPoints: [entry], outfile: '$stage/js/' + name + '.js', bundle: true, platform: 'node', format: 'cjs', target: 'node20',
  external: ['onnxruntime-node', 'webgpu'], logLevel: 'warning', minify: true,
})));
"
git rev-parse HEAD > "$stage/COMMIT"

mkdir -p "$out"
tar -C "$stage" -cf - . | xz "${GPU_BUNDLE_XZ:--9e}" -T0 > "$out/payload.tar.xz.tmp"
mv "$out/payload.tar.xz.tmp" "$out/payload.tar.xz"
size=$(stat -c %s "$out/payload.tar.xz")
echo "gpu-bundle: $out/payload.tar.xz is $((size / 1024 / 1024)) MiB ($size bytes) for commit $(cat "$stage/COMMIT")"
[ "$size" -le $((60 * 1024 * 1024)) ] || { echo "gpu-bundle: over the 60 MiB this bundle may take of the 64 MiB carried" >&2; exit 1; }
