// `pasta train --device webgpu` on a small sample (a tiny BERT text-classification workspace), with the default
// dropout and with the encoder's own: the adapter it writes loads, holds the same values as the CPU's from the
// same seed, and predicts as the CPU's does.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { ADAPTER_TENSOR_NAMES, adapterDir, loadAdapter } from '../../../src/core/adapter/index.js';
import { makeSequenceWorkspace, type SequenceWorkspace } from '../classification/sequenceWorkspace.js';
import { relativeError } from '../../helpers/goldens.js';
import { webGpuAdapterOrSkip } from '../../helpers/webgpu.js';
import { runPasta } from './runPasta.js';

const TEXTS = ['john lives in paris', 'play the game today', 'a visit to london'];

describe('pasta train --device webgpu', () => {
  let ws: SequenceWorkspace | undefined;
  before(async () => {
    ws = await makeSequenceWorkspace();
  });
  after(async () => {
    if (ws) await rm(ws.root, { recursive: true, force: true });
  });

  // With `all` the encoder's dropout masks are graph inputs the step draws in TypeScript, so both devices apply the
  // same masks from the same seed.
  for (const dropout of ['pasta', 'all']) {
    it(`trains on webgpu (dropout ${dropout}) an adapter that loads and predicts like the one trained on the CPU`, async (t) => {
      if (!(await webGpuAdapterOrSkip(t))) return;
      const root = ws!.root;
      for (const device of ['webgpu', 'cpu']) {
        const res = runPasta(['train', '-w', root, '--device', device, '--name', `${device}-${dropout}`, '--epochs', '2', '--dropout', dropout], { cwd: root });
        assert.equal(res.status, 0, res.stderr);
        assert.match(res.stderr, new RegExp(`\\ntraining \\d+ parameters on ${device}: `), 'trained where asked, with no fallback');
      }
      const [gpu, cpu] = await Promise.all([loadAdapter(adapterDir(root, `webgpu-${dropout}`)), loadAdapter(adapterDir(root, `cpu-${dropout}`))]);
      for (const name of ADAPTER_TENSOR_NAMES) {
        const err = relativeError(gpu.tensors[name].data, cpu.tensors[name].data);
        assert.ok(err.relative <= 1e-4, `${name}: relative difference ${err.relative}`);
      }
      const predict = (adapter: string, device: string) => {
        const res = runPasta(['predict', '-w', root, '-a', adapter, '--device', device, '-f', 'jsonl', ...TEXTS.flatMap((text) => ['--text', text])], {
          cwd: root,
        });
        assert.equal(res.status, 0, res.stderr);
        return res.stdout
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line) as { label: string; distribution: Record<string, number> });
      };
      const onGpu = predict(`webgpu-${dropout}`, 'webgpu');
      const onCpu = predict(`cpu-${dropout}`, 'cpu');
      assert.equal(onGpu.length, TEXTS.length);
      onGpu.forEach((p, i) => {
        assert.equal(p.label, onCpu[i].label, TEXTS[i]);
        for (const [label, probability] of Object.entries(p.distribution))
          assert.ok(Math.abs(probability - onCpu[i].distribution[label]) <= 1e-3, `${TEXTS[i]}: ${label}`);
      });
    });
  }

  it(
    'falls back to the CPU, saying why in one line, when no Vulkan driver answers',
    { skip: process.platform !== 'linux' && "the Vulkan loader is Linux's" },
    () => {
      const root = ws!.root;
      // The Vulkan loader reads its driver list from these; a missing file leaves Dawn without any adapter.
      const env = { VK_DRIVER_FILES: '/nonexistent/icd.json', VK_ICD_FILENAMES: '/nonexistent/icd.json' };
      const res = runPasta(['train', '-w', root, '--device', 'webgpu', '--name', 'refused', '--epochs', '1'], { cwd: root, env });
      assert.equal(res.status, 0, res.stderr);
      assert.match(res.stderr, /\ntraining \d+ parameters on cpu \(webgpu: Failed to get a WebGPU adapter: No supported adapters\): /);
      assert.match(res.stdout, /Adapter 'refused' \(best epoch 1\) written/);
    },
  );
});
