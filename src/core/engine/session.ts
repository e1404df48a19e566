import * as ort from 'onnxruntime-node';
import { candidateDevices, providerAvailability, type Device, type DeviceRequest } from './device';

export interface SessionOptions {
  device?: DeviceRequest;
  /** Intra-op threads; defaults to onnxruntime's own choice (all physical cores). */
  threads?: number;
  /** Write onnxruntime's per-node profile (JSON) to files starting with this prefix. */
  profilePrefix?: string;
  /** onnxruntime's graph optimisation level on the CPU provider (other providers always get 'all'). */
  cpuOptimizationLevel?: 'basic' | 'all';
}

export interface EngineSession {
  session: ort.InferenceSession;
  device: Device;
  /** Why a requested or better device was not used, for the user; undefined when nothing fell back. */
  fallbackReason?: string;
}

function providerOption(device: Device): ort.InferenceSession.ExecutionProviderConfig {
  return device;
}

/**
 * Creates an onnxruntime session on the best available device, falling back to the CPU with a reason.
 * `model` is the serialised model, or the path of a model file (whose external data sits beside it).
 */
export async function createSession(model: Uint8Array | string, options: SessionOptions = {}): Promise<EngineSession> {
  const request = options.device ?? 'auto';
  const reasons: string[] = [];
  for (const device of candidateDevices(request)) {
    const availability = providerAvailability(device);
    if (!availability.available) {
      // With 'auto', a provider that is not installed here was never an option; only an explicit request
      // that cannot be honoured is a fallback worth telling the user about.
      if (request !== 'auto') reasons.push(`${device}: ${availability.reason}`);
      continue;
    }
    try {
      const sessionOptions: ort.InferenceSession.SessionOptions = {
        executionProviders: [providerOption(device)],
        ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: device === 'cpu' ? (options.cpuOptimizationLevel ?? 'all') : 'all',
        enableProfiling: options.profilePrefix !== undefined,
        profileFilePrefix: options.profilePrefix,
      };
      const session = typeof model === 'string' ? await ort.InferenceSession.create(model, sessionOptions) : await ort.InferenceSession.create(model, sessionOptions);
      return { session, device, fallbackReason: reasons.length > 0 ? reasons.join('; ') : undefined };
    } catch (err) {
      if (device === 'cpu') throw err;
      reasons.push(`${device}: ${firstLine(err)}`);
    }
  }
  throw new Error(`no execution provider could run the model: ${reasons.join('; ')}`);
}

function firstLine(err: unknown): string {
  return String(err instanceof Error ? err.message : err).split('\n')[0];
}
