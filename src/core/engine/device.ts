// Execution-provider choice: what the user asked for, what this machine can run, and why we fell back.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { adapterName, probeGpuAdapter, type GpuProbe } from './gpuAdapter';

import type { Device, DeviceRequest } from './deviceNames';

/** onnxruntime-node's native folder for this platform, where optional provider libraries are installed. */
export function nativeBinaryDir(): string {
  const pkg = dirname(require.resolve('onnxruntime-node/package.json'));
  return join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
}

/** Whether a provider can be tried here at all, and if not, why not (said to the user on fallback). */
export function providerAvailability(device: Device): { available: boolean; reason?: string } {
  switch (device) {
    case 'cpu':
      return { available: true };
    case 'webgpu':
      return ort.listSupportedBackends().some((b) => b.name === 'webgpu')
        ? { available: true }
        : { available: false, reason: `onnxruntime-node has no WebGPU provider for ${process.platform}-${process.arch}` };
    case 'cuda':
      if (process.platform !== 'linux' && process.platform !== 'win32') return { available: false, reason: `CUDA is not supported on ${process.platform}` };
      // Checked on every call, not cached: `pasta gpu install cuda` may have placed the files since.
      if (!existsSync(join(nativeBinaryDir(), process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so'))) {
        return { available: false, reason: 'the CUDA provider is not installed (run "pasta gpu install cuda", or "PASTA: Install GPU Support" in VS Code)' };
      }
      return { available: true };
    case 'dml':
      return process.platform === 'win32' ? { available: true } : { available: false, reason: 'DirectML runs only on Windows' };
    case 'coreml':
      return process.platform === 'darwin' ? { available: true } : { available: false, reason: 'CoreML runs only on macOS' };
  }
}

/** The providers to try for an explicit request, best first; CPU is always last. */
export function candidateDevices(request: Exclude<DeviceRequest, 'auto'>): Device[] {
  return request === 'cpu' ? ['cpu'] : [request, 'cpu'];
}

export interface AutoChoice {
  /** The providers to try, best first; CPU is always last. */
  devices: Device[];
  /** Why no GPU provider is among them (or why a better one is not), for the user. */
  reason?: string;
}

/**
 * What `auto` tries here: the best installed provider backed by real hardware, per platform (Linux cuda ->
 * webgpu -> cpu; Windows cuda -> dml -> webgpu -> cpu; macOS webgpu -> cpu). A GPU provider that would only
 * find a software adapter (llvmpipe, SwiftShader, WARP) is never chosen on its own.
 */
export async function autoDevices(probe: () => Promise<GpuProbe> = probeGpuAdapter): Promise<AutoChoice> {
  const order: Device[] = process.platform === 'win32' ? ['cuda', 'dml', 'webgpu'] : process.platform === 'darwin' ? ['webgpu'] : ['cuda', 'webgpu'];
  const devices: Device[] = [];
  const reasons: string[] = [];
  let gpu: GpuProbe | undefined;
  for (const device of order) {
    const availability = providerAvailability(device);
    if (!availability.available) {
      reasons.push(`${device}: ${availability.reason}`);
      continue;
    }
    // CUDA finds its own devices (and has no software fallback); DirectML and WebGPU take the adapter that
    // Dawn/DXGI rank first, which is a software one on a machine without a GPU driver.
    if (device !== 'cuda') {
      gpu ??= await probe();
      if (!gpu.adapter) {
        reasons.push(`${device}: ${gpu.reason}`);
        continue;
      }
      if (gpu.adapter.software) {
        reasons.push(`${device}: the only GPU adapter is software (${adapterName(gpu.adapter)}); ask for it explicitly to use it`);
        continue;
      }
    }
    devices.push(device);
  }
  return { devices: [...devices, 'cpu'], reason: devices.length === 0 ? reasons.join('; ') : undefined };
}
