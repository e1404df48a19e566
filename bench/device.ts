// The device every benchmark runs on (`npm run bench -- --device cpu|webgpu|cuda`, passed as PASTA_DEVICE),
// and the fields naming it in each JSON row: the device that actually ran, and why it is not the one asked for.
import { DEVICE_REQUESTS, type DeviceRequest } from '../src/core/engine/deviceNames';
import type { PastaRuntime } from '../src/core/pasta/runtime';

export function benchDevice(): DeviceRequest {
  const device = process.env.PASTA_DEVICE ?? 'cpu';
  if (!(DEVICE_REQUESTS as readonly string[]).includes(device)) throw new Error(`PASTA_DEVICE must be one of ${DEVICE_REQUESTS.join(', ')}, found "${device}"`);
  return device as DeviceRequest;
}

export function deviceFields(runtime: PastaRuntime): { device: string; fallback_reason?: string } {
  return { device: runtime.device ?? 'cpu', ...(runtime.fallbackReason ? { fallback_reason: runtime.fallbackReason } : {}) };
}
