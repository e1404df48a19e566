// The webgpu tests need a WebGPU adapter; on machines without a GPU that is Mesa's llvmpipe, which
// scripts/setup-vulkan.sh installs. Where there is none they skip saying why, except under the strict flag
// (requirements.ts), where the project's scripts must have installed it and its absence fails the test.
import type { TestContext } from 'node:test';
import { STRICT, strictFailure } from './requirements.js';
import { adapterName, probeGpuAdapterAlways, type GpuAdapterInfo } from '../../src/core/engine/gpuAdapter';

let probed: ReturnType<typeof probeGpuAdapterAlways> | undefined;

/** The adapter the webgpu provider will use, or undefined after skipping the test (failing it in CI). */
export async function webGpuAdapterOrSkip(t: TestContext): Promise<GpuAdapterInfo | undefined> {
  const probe = await (probed ??= probeGpuAdapterAlways());
  if (probe.adapter) return probe.adapter;
  const why = `no WebGPU adapter: ${probe.reason} (on Debian bookworm, scripts/setup-vulkan.sh installs Mesa llvmpipe)`;
  if (STRICT) throw strictFailure(why);
  t.skip(why);
  return undefined;
}

export { adapterName };
