import * as ort from 'onnxruntime-node';
import { autoDevices, candidateDevices, providerAvailability } from './device';
import type { Device, DeviceRequest } from './deviceNames';

// onnxruntime 1.30 on Linux starts its telemetry when the first session is created, matching regular expressions
// (libstdc++'s std::regex, which recurses per character) against /proc/self/cmdline: a command line over ~25 KB
// (`pasta predict --text <a long text>`) overflowed the main thread's 8 MB stack, and the process died with SIGSEGV.
// Its telemetry would also send events to Microsoft's collector from a tool that promises to stay local. Read at
// session creation, so setting it here, before any session, is enough; an explicit value is left alone.
process.env.ORT_DISABLE_TELEMETRY ??= '1';

export interface SessionOptions {
  device?: DeviceRequest;
  /** Intra-op threads; defaults to onnxruntime's own choice (all physical cores). */
  threads?: number;
  /** Write onnxruntime's per-node profile (JSON) to files starting with this prefix. */
  profilePrefix?: string;
  /** onnxruntime's graph optimisation level on the CPU provider (other providers always get 'all'). */
  cpuOptimizationLevel?: 'basic' | 'all';
  /** onnxruntime's log level for this session (0 = verbose, which includes the node placements). */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  /**
   * Whether a GPU that fails to create the session hands it to the next candidate (the CPU); default true.
   * False once a run has started: a switch of device then would be silent, so the GPU's failure is thrown.
   */
  fallback?: boolean;
}

/** A GPU provider could not create a session where falling back to the CPU was not allowed. */
export class SessionCreationError extends Error {
  override name = 'SessionCreationError';
  /** `reason`: the provider's own first line. */
  constructor(
    readonly device: Device,
    reason: string,
  ) {
    super(reason);
  }
}

export interface EngineSession {
  session: ort.InferenceSession;
  device: Device;
  /** Why a requested or better device was not used, for the user; undefined when nothing fell back. */
  fallbackReason?: string;
  /** With `auto`: why no GPU was used (undefined when one was). */
  autoReason?: string;
}

/** A serialised model, the path of a model file, or either one built for the device it will run on. */
export type ModelSource = Uint8Array | string | ((device: Device) => Uint8Array | string | Promise<Uint8Array | string>);

function providerOption(device: Device): ort.InferenceSession.ExecutionProviderConfig {
  return device;
}

/**
 * Creates an onnxruntime session on the best available device, falling back to the CPU with a reason.
 * `model` is the serialised model, or the path of a model file (whose external data sits beside it), or a
 * function giving either for a device (graphs differ per provider).
 */
export async function createSession(model: ModelSource, options: SessionOptions = {}): Promise<EngineSession> {
  const request = options.device ?? 'auto';
  const reasons: string[] = [];
  const auto = request === 'auto' ? await autoDevices() : undefined;
  for (const device of auto ? auto.devices : candidateDevices(request as Exclude<DeviceRequest, 'auto'>)) {
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
        // With memory patterns, the second run of each input shape allocates its planned block while the arena
        // still holds the first run's buffers: a train step's activation memory doubled (deberta-v3-base at
        // 8 x 128: peak RSS 5.7 GB with patterns, 3.9 GB without). The arena alone reuses the buffers, and the
        // steps were no slower (bert-base 8 x 128, back to back: 47 and 52 tokens/s with, 65 and 54 without).
        enableMemPattern: device !== 'cpu',
        enableProfiling: options.profilePrefix !== undefined,
        // On WebGPU, onnxruntime warns at every session that it keeps shape computations on the CPU (on purpose).
        ...(options.logSeverityLevel !== undefined
          ? { logSeverityLevel: options.logSeverityLevel, logVerbosityLevel: 0 }
          : device === 'webgpu'
            ? { logSeverityLevel: 3 as const }
            : {}),
        profileFilePrefix: options.profilePrefix,
      };
      const source = typeof model === 'function' ? await model(device) : model;
      const session =
        typeof source === 'string' ? await ort.InferenceSession.create(source, sessionOptions) : await ort.InferenceSession.create(source, sessionOptions);
      return {
        session,
        device,
        fallbackReason: reasons.length > 0 ? reasons.join('; ') : undefined,
        autoReason: auto && device === 'cpu' ? auto.reason : undefined,
      };
    } catch (err) {
      if (device === 'cpu') throw err;
      if (options.fallback === false) throw new SessionCreationError(device, firstLine(err));
      reasons.push(`${device}: ${firstLine(err)}`);
    }
  }
  throw new Error(`no execution provider could run the model: ${reasons.join('; ')}`);
}

/**
 * The first line of a provider's error, without onnxruntime's source location and failed condition
 * ("/onnxruntime_src/...cc:136 ... was false. Failed to get a WebGPU adapter: ..." -> "Failed to get ...").
 */
export function firstLine(err: unknown): string {
  const line = String(err instanceof Error ? err.message : err).split('\n')[0];
  return line.replace(/^\S*onnxruntime\S*:\d+ .*? was false\. /, '').replace(/^\[ONNXRuntimeError\] : \d+ : \w+ : /, '');
}
