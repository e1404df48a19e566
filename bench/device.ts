// The device every benchmark runs on (`npm run bench -- --device cpu|webgpu|cuda`, passed as PASTA_DEVICE) and the
// frozen base's precision (PASTA_PRECISION, fp32 by default), and the fields naming them in each JSON row: the
// device and precision that actually ran, and why they are not the ones asked for.
import { DEVICE_REQUESTS, type DeviceRequest } from '../src/core/engine/deviceNames';
import { PRECISIONS, type Precision } from '../src/core/graph/kernels';
import type { PastaRuntime } from '../src/core/pasta/runtime';

export function benchDevice(): DeviceRequest {
  const device = process.env.PASTA_DEVICE ?? 'cpu';
  if (!(DEVICE_REQUESTS as readonly string[]).includes(device)) throw new Error(`PASTA_DEVICE must be one of ${DEVICE_REQUESTS.join(', ')}, found "${device}"`);
  return device as DeviceRequest;
}

export function benchPrecision(): Precision {
  const precision = process.env.PASTA_PRECISION ?? 'fp32';
  if (!(PRECISIONS as readonly string[]).includes(precision)) throw new Error(`PASTA_PRECISION must be one of ${PRECISIONS.join(', ')}, found "${precision}"`);
  return precision as Precision;
}

export function deviceFields(runtime: PastaRuntime): { device: string; fallback_reason?: string; precision: Precision; precision_reason?: string } {
  return {
    device: runtime.device ?? 'cpu',
    ...(runtime.fallbackReason ? { fallback_reason: runtime.fallbackReason } : {}),
    precision: runtime.precision?.used ?? 'fp32',
    ...(runtime.precision?.reason ? { precision_reason: runtime.precision.reason } : {}),
  };
}
