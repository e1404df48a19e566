// Execution-provider choice: what the user asked for, what this machine can run, and why we fell back.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type DeviceRequest = 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml';
export type Device = 'cpu' | 'cuda' | 'dml' | 'coreml';

export const DEVICE_REQUESTS: readonly DeviceRequest[] = ['auto', 'cpu', 'cuda', 'dml', 'coreml'];

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
    case 'cuda':
      if (process.platform !== 'linux' && process.platform !== 'win32') return { available: false, reason: `CUDA is not supported on ${process.platform}` };
      if (process.platform === 'linux' && !existsSync(join(nativeBinaryDir(), 'libonnxruntime_providers_cuda.so'))) {
        return {
          available: false,
          reason:
            'the CUDA provider of onnxruntime-node is not installed (it was installed with ONNXRUNTIME_NODE_INSTALL=skip; reinstall with ONNXRUNTIME_NODE_INSTALL=cuda12 where nuget is reachable)',
        };
      }
      return { available: true };
    case 'dml':
      return process.platform === 'win32' ? { available: true } : { available: false, reason: 'DirectML runs only on Windows' };
    case 'coreml':
      return process.platform === 'darwin' ? { available: true } : { available: false, reason: 'CoreML runs only on macOS' };
  }
}

/** The providers to try, best first; CPU is always last. */
export function candidateDevices(request: DeviceRequest): Device[] {
  if (request === 'cpu') return ['cpu'];
  if (request !== 'auto') return [request, 'cpu'];
  const accelerated: Device[] = process.platform === 'win32' ? ['cuda', 'dml'] : process.platform === 'darwin' ? [] : ['cuda'];
  // CoreML cannot run the training graph's ops on the Neural Engine; on macOS the CPU is the better default.
  return [...accelerated, 'cpu'];
}
