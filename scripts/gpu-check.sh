#!/usr/bin/env bash
# The GPU check of issue 8, for a GPU machine with Python (PyTorch, CUDA) but maybe no Node and no network.
# Needs gpu-bundle/payload.tar.xz beside the repository (made here by scripts/gpu-bundle.sh). Prints JSON rows
# on stdout (also kept in $GPU_CHECK_WORK/rows.jsonl), what it does on stderr, and finishes within
# $GPU_CHECK_BUDGET_S seconds (default 420: under 8 minutes with the unpacking):
#   gpu-check-environment  providers, the WebGPU adapter (name, vendor, software or hardware), auto's pick,
#                          whether the CUDA 13 / cuDNN 9 libraries load; plus nvidia-smi's GPU
#   parity                 each golden case on each device: worst relative difference to PyTorch (<= 1e-4)
#   train-step             MiniLM and BERT-base shapes (random weights), 8 x 128 and 32 x 128, on each device;
#                          on the CPU also with the frozen base in int8 (precision "int8"), after everything else
#   reference-train-step   the frozen-base PyTorch reference (tools/reference/bench_reference.py) on the GPU
#   vs-reference           ours / reference tokens per second for each GPU device, model and batch
#   gpu-check-skipped / gpu-check-failure   what did not run, and why
#   gpu-check-summary      wall time, devices, parity failures
# Devices: cpu always; webgpu when Dawn finds a hardware adapter (GPU_CHECK_ALLOW_SOFTWARE=1 also takes a
# software one, for a dry run); cuda when the CUDA provider files are present (gpu-bundle/cuda/ or
# $GPU_CHECK_CUDA_PROVIDER_DIR: libonnxruntime_providers_cuda.so and _shared.so of the bundled onnxruntime,
# as `pasta gpu install cuda --target <dir>` writes them where NuGet is reachable; too large to carry).
# Other knobs: GPU_CHECK_PYTHON (python3), GPU_CHECK_REFERENCE_DEVICE (cuda), GPU_CHECK_STEPS (10 on a GPU,
# 3 on the CPU), GPU_CHECK_REFERENCE_STEPS (10), GPU_CHECK_DEVICES (a comma list to restrict the devices),
# GPU_CHECK_SHAPES ("bert-base 32,minilm-l6 32,bert-base 8,minilm-l6 8"), GPU_CHECK_SEQ (128). A dry run on a
# machine without a GPU (Mesa llvmpipe):
#   GPU_CHECK_ALLOW_SOFTWARE=1 GPU_CHECK_REFERENCE_DEVICE=cpu GPU_CHECK_SHAPES="minilm-l6 8" GPU_CHECK_SEQ=32 \
#   GPU_CHECK_STEPS=1 GPU_CHECK_REFERENCE_STEPS=1 bash scripts/gpu-check.sh
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
started=$(date +%s)
budget=${GPU_CHECK_BUDGET_S:-420}
work=${GPU_CHECK_WORK:-${TMPDIR:-/tmp}/pasta-gpu-check}
python=${GPU_CHECK_PYTHON:-python3}
payload=$repo/gpu-bundle/payload.tar.xz
rows=$work/rows.jsonl
seq=${GPU_CHECK_SEQ:-128}
shapes=${GPU_CHECK_SHAPES:-bert-base 32,minilm-l6 32,bert-base 8,minilm-l6 8}

log() { echo "gpu-check: $*" >&2; }
elapsed() { echo $(($(date +%s) - started)); }
emit() { echo "$1"; echo "$1" >>"$rows"; }
# A row from key=value pairs (values as strings), escaped by Python's json.
row() { emit "$("$python" -c 'import json, sys; print(json.dumps(dict(a.split("=", 1) for a in sys.argv[1:])))' "$@")"; }

# Runs a program whose JSON lines are rows; a failure or timeout becomes a gpu-check-failure row.
run_rows() {
  local limit=$1 step=$2
  shift 2
  local left=$((budget - $(elapsed)))
  if [ "$left" -lt 20 ]; then
    row bench=gpu-check-skipped step="$step" reason="time budget spent ($(elapsed) of $budget s)"
    return 1
  fi
  [ "$limit" -gt "$left" ] && limit=$left
  log "$step (at most ${limit}s)"
  local out=$work/logs/$step.out err=$work/logs/$step.err status
  timeout -k 10 "$limit" "$@" >"$out" 2>"$err"
  status=$?
  grep '^{' "$out" | while IFS= read -r line; do emit "$line"; done
  if [ "$status" -ne 0 ]; then
    local why="exit $status"
    [ "$status" -eq 124 ] && why="timed out after ${limit}s"
    row bench=gpu-check-failure step="$step" reason="$why" stderr_tail="$(tail -c 600 "$err" | tr '\n' ' ')"
  fi
  return "$status"
}

command -v "$python" >/dev/null || { echo "gpu-check: $python not found: set GPU_CHECK_PYTHON" >&2; exit 1; }
[ -f "$payload" ] || { echo "gpu-check: $payload is missing: run 'bash scripts/gpu-bundle.sh' on a machine with the repository installed, and carry gpu-bundle/" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work/logs"
: >"$rows"

# 1. Node, onnxruntime and the check's programs, unpacked with Python (no xz binary needed).
log "unpacking $(du -h "$payload" | cut -f1) into $work/payload"
"$python" -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$payload" "$work/payload" || { echo "gpu-check: cannot unpack $payload" >&2; exit 1; }
node=$work/payload/bin/node
chmod +x "$node"
native=$work/payload/node_modules/onnxruntime-node/bin/napi-v6/linux/x64
[ "$(cat "$work/payload/COMMIT")" = "$(git rev-parse HEAD 2>/dev/null || echo unknown)" ] ||
  log "note: the payload was bundled from commit $(cat "$work/payload/COMMIT"), the repository is at $(git rev-parse HEAD 2>/dev/null || echo unknown)"

# 2. The loader paths, set before Node starts (the dynamic loader reads LD_LIBRARY_PATH once).
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1 '; then
  log "no Vulkan loader on this machine: using the carried libvulkan.so.1"
  export LD_LIBRARY_PATH=$work/payload/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
fi
# Containers often get NVIDIA's Vulkan driver library without its ICD manifest: write one so Dawn finds it.
if ! ls /usr/share/vulkan/icd.d/nvidia* /etc/vulkan/icd.d/nvidia* >/dev/null 2>&1 && ldconfig -p 2>/dev/null | grep -q 'libGLX_nvidia\.so\.0 '; then
  log "NVIDIA's Vulkan driver is installed without an ICD manifest: writing one"
  printf '{"file_format_version": "1.0.1", "ICD": {"library_path": "libGLX_nvidia.so.0", "api_version": "1.3.0"}}\n' >"$work/nvidia_icd.json"
  export VK_DRIVER_FILES=$work/nvidia_icd.json VK_ICD_FILENAMES=$work/nvidia_icd.json
fi
# CUDA / cuDNN from pip's nvidia-* wheels (PyTorch's, site-packages/nvidia/*/lib), which the loader does not search by
# itself. onnxruntime 1.30's provider needs CUDA 13 (src/core/engine/cuda/cudaLibraries.ts): a PyTorch built for CUDA 12
# does not bring it.
wheel_libs=$("$python" -c '
import glob, os, site
dirs = site.getsitepackages() + [site.getusersitepackages()]
print(":".join(sorted({d for s in dirs for d in glob.glob(os.path.join(s, "nvidia", "*", "lib"))})))' 2>/dev/null || true)
[ -n "$wheel_libs" ] && export LD_LIBRARY_PATH=$wheel_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
cuda_dir=${GPU_CHECK_CUDA_PROVIDER_DIR:-$repo/gpu-bundle/cuda}
if [ -f "$cuda_dir/libonnxruntime_providers_cuda.so" ] && [ -f "$cuda_dir/libonnxruntime_providers_shared.so" ]; then
  cp "$cuda_dir"/libonnxruntime_providers_{cuda,shared}.so "$native/"
fi

# 3. What the machine offers.
if command -v nvidia-smi >/dev/null; then
  row bench=nvidia-smi gpus="$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | paste -sd ';')"
fi
run_rows 90 environment "$node" "$work/payload/js/environment.js"
devices=$(grep '"bench":"gpu-check-environment"' "$rows" | "$python" -c '
import json, os, sys
env = json.loads(sys.stdin.readline())
available = {p["device"] for p in env["providers"] if p["available"]}
adapter = env["gpu"].get("adapter")
devices = []
if "cuda" in available:
    devices.append("cuda")
if "webgpu" in available and adapter and (not adapter["software"] or os.environ.get("GPU_CHECK_ALLOW_SOFTWARE") == "1"):
    devices.append("webgpu")
print(" ".join(devices + ["cpu"]))' 2>/dev/null || echo cpu)
if [ -n "${GPU_CHECK_DEVICES:-}" ]; then
  devices=$(for d in $devices; do [[ ",$GPU_CHECK_DEVICES," == *",$d,"* ]] && echo "$d"; done | paste -sd ' ')
fi
log "devices: $devices"
[[ " $devices " == *" cuda "* ]] || row bench=gpu-check-skipped step=cuda reason="no CUDA provider files (put them in $cuda_dir) or they cannot load; see gpu-check-environment"

# 4. The PyTorch reference (frozen base) on the GPU: the other side of the ratio.
reference_device=${GPU_CHECK_REFERENCE_DEVICE:-cuda}
if "$python" -c "import torch, transformers; assert '$reference_device' != 'cuda' or torch.cuda.is_available()" 2>"$work/logs/reference-import.err"; then
  reference_steps=${GPU_CHECK_REFERENCE_STEPS:-10}
  for batch in $(echo "$shapes" | tr ',' '\n' | awk '{print $2}' | sort -un); do
    run_rows 150 "reference-b$batch" env -C "$repo/tools/reference" "$python" bench_reference.py --device "$reference_device" \
      --variants frozen --models minilm-l6-random,bert-base-random --batch "$batch" --seq "$seq" \
      --steps "$reference_steps" --warmup "$((reference_steps < 3 ? 1 : 3))" --threads "$(nproc)"
  done
else
  row bench=gpu-check-skipped step=reference reason="$(tail -n 1 "$work/logs/reference-import.err")"
fi

# 5. Ours: the GPU devices first (their numbers matter most), the CPU last.
for device in $devices; do
  steps=${GPU_CHECK_STEPS:-$([ "$device" = cpu ] && echo 3 || echo 10)}
  while IFS=' ' read -r model batch; do
    [ -n "$model" ] || continue
    PASTA_DEVICE=$device run_rows 120 "train-step-$device-$model-b$batch" "$node" "$work/payload/js/trainStep.js" "$model" "$batch" "$seq" "$steps" </dev/null
  done < <(echo "$shapes" | tr ',' '\n')
  run_rows 200 "parity-$device" "$node" "$work/payload/js/parity.js" "$device"
done
# int8 on the CPU only (onnxruntime has no int8 product kernel for the GPU providers), last: the budget may skip it.
if [[ " $devices " == *" cpu "* ]]; then
  steps=${GPU_CHECK_STEPS:-3}
  while IFS=' ' read -r model batch; do
    [ -n "$model" ] || continue
    PASTA_DEVICE=cpu PASTA_PRECISION=int8 run_rows 120 "train-step-cpu-int8-$model-b$batch" "$node" "$work/payload/js/trainStep.js" "$model" "$batch" "$seq" "$steps" </dev/null
  done < <(echo "$shapes" | tr ',' '\n')
fi

# 6. Ratios and the summary.
"$python" - "$rows" "$started" "$devices" <<'PY' | while IFS= read -r line; do emit "$line"; done
import json, sys, time
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
reference_of = {"minilm-l6 (random weights)": "minilm-l6-random", "bert-base (random weights)": "bert-base-random"}
targets = {"bert-base-random": 0.5}
for ours in (r for r in rows if r.get("bench") == "train-step" and r.get("device") != "cpu"):
    for ref in (r for r in rows if r.get("bench") == "reference-train-step"):
        if ref["model"] == reference_of.get(ours["model"]) and ref["batch"] == ours["batch"] and ref["seq"] == ours["seq"]:
            ratio = ours["tokens_per_s"] / ref["tokens_per_s"]
            print(json.dumps({"bench": "vs-reference", "model": ref["model"], "batch": ours["batch"], "seq": ours["seq"],
                              "device": ours["device"], "reference_device": ref["device"], "unit": "tokens/s",
                              "ours_tokens_per_s": ours["tokens_per_s"], "reference_tokens_per_s": ref["tokens_per_s"],
                              "ratio": round(ratio, 3), **({"target_ratio": targets[ref["model"]]} if ref["model"] in targets else {})}))
parity = [r for r in rows if r.get("bench") == "parity" and "skipped" not in r]
print(json.dumps({"bench": "gpu-check-summary", "wall_s": round(time.time() - int(sys.argv[2])), "devices": sys.argv[3].split(),
                  "parity_cases": len(parity), "parity_failures": [f'{r["device"]}:{r["case"]}' for r in parity if not r.get("ok")],
                  "failures": [r["step"] for r in rows if r.get("bench") == "gpu-check-failure"]}))
PY
log "done in $(elapsed)s; rows in $rows, logs in $work/logs"
