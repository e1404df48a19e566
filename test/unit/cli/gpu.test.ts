// `pasta gpu status`: providers, the WebGPU adapter, auto's choice with its reason, and the device of the
// workspace's latest adapter (as the trainer records it in the adapter's metrics).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adapterDir, saveAdapter } from '../../../src/core/adapter/index.js';
import { probeGpuAdapter } from '../../../src/core/engine/gpuAdapter.js';
import { fixtureConfig, fixtureTensors } from '../adapter/adapterFixture.js';
import { runPasta, tempWorkspaces } from './runPasta.js';

const workspace = tempWorkspaces('pasta-cli-gpu-');

describe('pasta gpu status', () => {
  it('names every provider, the adapter, what auto picks and why, and the latest training device', async () => {
    const ws = workspace();
    const older = { ...fixtureConfig(), created: '2026-11-01T00:00:00.000Z', metrics: { device: 'cpu' } };
    const newer = { ...fixtureConfig(), created: '2026-12-01T00:00:00.000Z', metrics: { device: 'webgpu' } };
    await saveAdapter(adapterDir(ws, 'older'), older, fixtureTensors(older));
    await saveAdapter(adapterDir(ws, 'newer'), newer, fixtureTensors(newer));

    const res = runPasta(['gpu', 'status', '-w', ws], { cwd: ws });
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /^machine: \w+-\w+, onnxruntime-node \d+\.\d+\.\d+\n/);
    for (const device of ['webgpu', 'cuda', 'dml', 'coreml', 'cpu'])
      assert.match(res.stdout, new RegExp(`\\n  ${device}: (available|not available \\(.+\\))\\n`), device);
    assert.match(res.stdout, /\nGPU adapter \(WebGPU\):\n  (none: .+|.+: vendor .*, (software|hardware).*)\n/);
    assert.match(res.stdout, /\nauto:\n  picks (cpu: no GPU provider backed by hardware: .+|webgpu: the GPU adapter is hardware .+|cuda: .+|dml: .+)\n/);
    assert.match(res.stdout, /\nLast training:\n  adapter newer \(2026-12-01T00:00:00\.000Z\): trained on webgpu\n$/);
    const probe = await probeGpuAdapter();
    if (!probe.adapter) assert.match(res.stdout, /\n  picks cpu: /, 'no GPU device: auto takes the CPU');

    const json = JSON.parse(runPasta(['gpu', 'status', '--json', '-w', ws], { cwd: ws }).stdout);
    assert.deepEqual(Object.keys(json), ['platform', 'onnxruntimeVersion', 'providers', 'gpu', 'auto', 'lastTraining']);
    assert.equal(json.providers.find((p: { device: string }) => p.device === 'cpu').available, true);
    assert.deepEqual(json.lastTraining, { adapter: 'newer', created: '2026-12-01T00:00:00.000Z', device: 'webgpu' });
  });

  it('refuses an unknown action with exit 1 and one line', () => {
    const ws = workspace();
    const res = runPasta(['gpu', 'reboot'], { cwd: ws });
    assert.equal(res.status, 1);
    assert.equal(res.stderr, 'error: pasta gpu: unknown action "reboot"; expected status, install (see pasta gpu --help)\n');
  });
});
