// Which GPU adapter WebGPU would get here, and whether it is real hardware. Asked of Dawn itself (the
// webgpu package's Node bindings: the same Dawn that onnxruntime's WebGPU provider links, asked with the
// same high-performance preference), in a child process so that a driver that crashes or hangs while
// probing costs a reason, never the extension host. Asked once per process.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface GpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A software rasteriser (llvmpipe, SwiftShader, WARP): Dawn's fallback adapter. */
  software: boolean;
}

export type GpuProbe = { adapter: GpuAdapterInfo } | { adapter: undefined; reason: string };

const PROBE_TIMEOUT_MS = 20_000;

// Runs in the child: prints the adapter's info as one JSON line (or {"none": true}).
const PROBE_SCRIPT = `
const { create } = require(process.argv[1]);
create([]).requestAdapter({ powerPreference: 'high-performance' }).then((a) => {
  const i = a && a.info;
  process.stdout.write(JSON.stringify(i ? { vendor: i.vendor, architecture: i.architecture, device: i.device,
    description: i.description, isFallbackAdapter: i.isFallbackAdapter } : { none: true }) + '\\n', () => process.exit(0));
}, (e) => { process.stdout.write(JSON.stringify({ error: String(e && e.message || e) }) + '\\n', () => process.exit(0)); });
`;

/** The Dawn Node binding for this platform, or why there is none. */
function dawnBinding(): { path: string } | { reason: string } {
  let pkg: string;
  try {
    pkg = dirname(require.resolve('webgpu/package.json'));
  } catch {
    return { reason: 'the webgpu package (Dawn for Node) is not installed' };
  }
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  const path = join(pkg, 'dist', `${process.platform}-${arch}`, 'dawn.node');
  return existsSync(path) ? { path } : { reason: `Dawn for Node has no binary for ${process.platform}-${process.arch}` };
}

/**
 * Linux without a GPU device node has nothing to probe: answered at once, so a CPU-only machine never
 * waits for Dawn. (A device node is no promise of a usable Vulkan driver; the probe decides that.)
 */
function linuxGpuDeviceAbsent(): boolean {
  if (process.platform !== 'linux') return false;
  const list = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);
  const drmCards = list('/sys/class/drm').filter((name) => /^card\d+$/.test(name));
  const nvidia = list('/dev').filter((name) => /^nvidia\d+$/.test(name));
  return drmCards.length === 0 && nvidia.length === 0;
}

function runProbe(bindingPath: string): Promise<GpuProbe> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-e', PROBE_SCRIPT, bindingPath],
      { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: PROBE_TIMEOUT_MS, windowsHide: true },
      (error, stdout) => {
        const line = stdout.trim().split('\n').at(-1) ?? '';
        let parsed: Record<string, unknown> | undefined;
        try {
          parsed = JSON.parse(line) as Record<string, unknown>;
        } catch {
          parsed = undefined;
        }
        if (!parsed) {
          const why = error?.killed
            ? `did not answer within ${PROBE_TIMEOUT_MS / 1000} s`
            : error?.signal
              ? `crashed (${error.signal})`
              : `failed (${error?.message.split('\n')[0] ?? 'no answer'})`;
          return resolve({ adapter: undefined, reason: `the GPU driver ${why} while Dawn looked for an adapter` });
        }
        if (typeof parsed.error === 'string') return resolve({ adapter: undefined, reason: `Dawn found no adapter: ${parsed.error}` });
        if (parsed.none) return resolve({ adapter: undefined, reason: 'Dawn found no GPU adapter (no Vulkan, Metal or Direct3D 12 driver for a GPU)' });
        const text = (key: string) => (typeof parsed[key] === 'string' ? (parsed[key] as string) : '');
        resolve({
          adapter: {
            vendor: text('vendor'),
            architecture: text('architecture'),
            device: text('device'),
            description: text('description'),
            software: parsed.isFallbackAdapter === true || text('architecture') === 'software',
          },
        });
      },
    );
  });
}

let cached: Promise<GpuProbe> | undefined;

/** The adapter WebGPU would use here; probed once per process. */
export function probeGpuAdapter(): Promise<GpuProbe> {
  if (!cached) {
    if (linuxGpuDeviceAbsent()) {
      cached = Promise.resolve({ adapter: undefined, reason: 'no GPU device on this machine (nothing in /sys/class/drm or /dev/nvidia*)' });
    } else {
      const binding = dawnBinding();
      cached = 'path' in binding ? runProbe(binding.path) : Promise.resolve({ adapter: undefined, reason: binding.reason });
    }
  }
  return cached;
}

/** Probes even where no GPU device node exists (to show what a software adapter would be). */
export function probeGpuAdapterAlways(): Promise<GpuProbe> {
  const binding = dawnBinding();
  return 'path' in binding ? runProbe(binding.path) : Promise.resolve({ adapter: undefined, reason: binding.reason });
}

export function adapterName(adapter: GpuAdapterInfo): string {
  return adapter.description || [adapter.vendor, adapter.device].filter(Boolean).join(' ') || 'unnamed adapter';
}
