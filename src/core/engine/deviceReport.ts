// What this machine offers for training and prediction, for `pasta gpu status` and "PASTA: Show Device Info":
// the execution providers, the GPU adapter WebGPU would get, what `auto` picks and why, and the device the
// workspace's latest adapter was trained on.
import * as ort from 'onnxruntime-node';
import { listAdapters } from '../adapter/adapterList';
import { autoDevices, providerAvailability } from './device';
import type { Device } from './deviceNames';
import { adapterName, probeGpuAdapterAlways, type GpuAdapterInfo } from './gpuAdapter';

export interface ProviderStatus {
  device: Device;
  available: boolean;
  reason?: string;
}

export interface DeviceReport {
  platform: string;
  onnxruntimeVersion: string;
  providers: ProviderStatus[];
  /** The adapter WebGPU would use, or why there is none. */
  gpu: { adapter: GpuAdapterInfo } | { adapter: undefined; reason: string };
  auto: { device: Device; reason: string };
  /** The latest adapter of the workspace and the device it was trained on (undefined where not recorded). */
  lastTraining?: { adapter: string; created: string; device?: string };
}

const PROVIDERS: readonly Device[] = ['webgpu', 'cuda', 'dml', 'coreml', 'cpu'];

export async function deviceReport(workspaceRoot?: string): Promise<DeviceReport> {
  const [gpu, auto] = await Promise.all([probeGpuAdapterAlways(), autoDevices()]);
  const best = auto.devices[0];
  const report: DeviceReport = {
    platform: `${process.platform}-${process.arch}`,
    onnxruntimeVersion: ort.env.versions.node ?? ort.env.versions.common,
    providers: PROVIDERS.map((device) => ({ device, ...providerAvailability(device) })),
    gpu,
    auto: {
      device: best,
      reason:
        best === 'cpu'
          ? `no GPU provider backed by hardware: ${auto.reason}`
          : best === 'cuda'
            ? 'the CUDA provider is installed'
            : `the GPU adapter is hardware${gpu.adapter ? ` (${adapterName(gpu.adapter)})` : ''}`,
    },
  };
  if (workspaceRoot) {
    const { adapters } = await listAdapters(workspaceRoot);
    const latest = [...adapters].sort((a, b) => b.created.localeCompare(a.created))[0];
    if (latest) {
      const device = latest.metrics.device;
      report.lastTraining = { adapter: latest.name, created: latest.created, device: typeof device === 'string' ? device : undefined };
    }
  }
  return report;
}

/** The report as Markdown (the extension's preview) or plain text (the CLI). */
export function formatDeviceReport(report: DeviceReport, style: 'markdown' | 'text'): string {
  const md = style === 'markdown';
  const heading = (text: string) => (md ? `## ${text}\n` : `${text}:`);
  const item = (text: string) => (md ? `- ${text}` : `  ${text}`);
  const code = (text: string) => (md ? `\`${text}\`` : text);
  const lines: string[] = [];
  if (md) lines.push('# PASTA device info\n');
  lines.push(`${md ? '' : 'machine: '}${report.platform}, onnxruntime-node ${report.onnxruntimeVersion}`, '');
  lines.push(heading('Execution providers'));
  for (const p of report.providers) lines.push(item(`${code(p.device)}: ${p.available ? 'available' : `not available (${p.reason})`}`));
  lines.push('', heading('GPU adapter (WebGPU)'));
  if (report.gpu.adapter) {
    const a = report.gpu.adapter;
    lines.push(
      item(
        `${adapterName(a)}: vendor ${a.vendor || 'unknown'}, ${a.software ? 'software (a CPU pretending to be a GPU)' : 'hardware'}${a.architecture ? `, architecture ${a.architecture}` : ''}`,
      ),
    );
  } else lines.push(item(`none: ${report.gpu.reason}`));
  lines.push('', heading('auto'));
  lines.push(item(`picks ${code(report.auto.device)}: ${report.auto.reason}`));
  lines.push('', heading('Last training'));
  const last = report.lastTraining;
  lines.push(
    item(
      last
        ? `adapter ${code(last.adapter)} (${last.created}): ${last.device ? `trained on ${code(last.device)}` : 'device not recorded'}`
        : 'no adapter in this workspace',
    ),
  );
  return `${lines.join('\n')}\n`;
}
