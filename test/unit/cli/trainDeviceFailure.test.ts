// `pasta train --device webgpu` whose GPU fails in epoch 2: one line on stderr, exit 1, no adapter, the epoch-1
// checkpoint kept; resuming on a GPU that cannot create its session ends the same way (a resumed run does not
// switch device on its own); `pasta train --resume --device cpu` continues from it and writes the adapter. The
// failures are injected at onnxruntime's session boundary (test/helpers/failingTrainingRun.cjs preloaded into the CLI).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { adapterDir } from '../../../src/core/adapter/index.js';
import { checkpointDir } from '../../../src/core/training/trainingRun.js';
import { makeSequenceWorkspace, type SequenceWorkspace } from '../classification/sequenceWorkspace.js';
import { webGpuAdapterOrSkip } from '../../helpers/webgpu.js';
import { runPasta } from './runPasta.js';

const PRELOAD = resolve(import.meta.dirname, '../../helpers/failingTrainingRun.cjs');
let ws: SequenceWorkspace | undefined;
before(async () => {
  ws = await makeSequenceWorkspace();
});
after(async () => {
  if (ws) await rm(ws.root, { recursive: true, force: true });
});

test('a GPU lost in epoch 2, or refusing the session of the resumed run, ends pasta train with one line and exit 1, and --resume --device cpu finishes from the epoch-1 checkpoint', async (t) => {
  if (!(await webGpuAdapterOrSkip(t))) return;
  const root = ws!.root;
  const train = (extra: string[], env: Record<string, string> = {}) =>
    runPasta(['train', '-w', root, '--name', 'lost', '--epochs', '2', '--batch-size', '64', ...extra], { cwd: root, env });
  // The whole sample is one batch: training run 2 is epoch 2's step.
  const failed = train(['--device', 'webgpu'], { NODE_OPTIONS: `--require ${PRELOAD}`, PASTA_FAIL_TRAINING_RUN: '2' });
  assert.equal(failed.status, 1, failed.stderr);
  const errors = failed.stderr.split('\n').filter((line) => line.startsWith('error: '));
  assert.equal(errors.length, 1, failed.stderr);
  assert.match(
    errors[0],
    /^error: the webgpu device failed at epoch 2, step 2 \(a batch of \d+ x \d+ tokens\): \[WebGPU\] device lost \(injected by the test\); the checkpoint of the last finished epoch is kept \(.+\): continue with pasta train --resume --device cpu/,
  );
  assert.equal(existsSync(adapterDir(root, 'lost')), false, 'no partial adapter');
  assert.ok(existsSync(join(checkpointDir(root, 'lost'), 'checkpoint.safetensors')));

  const refused = train(['--device', 'webgpu', '--resume'], { NODE_OPTIONS: `--require ${PRELOAD}`, PASTA_FAIL_SESSION_PROVIDER: 'webgpu' });
  assert.equal(refused.status, 1, refused.stderr);
  const refusal = refused.stderr.split('\n').filter((line) => line.startsWith('error: '));
  assert.equal(refusal.length, 1, refused.stderr);
  assert.match(
    refusal[0],
    /^error: the webgpu device failed creating its session at epoch 2, before step 2: \[webgpu\] failed to create the session \(injected by the test\); the checkpoint of the last finished epoch is kept \(.+\): continue with pasta train --resume --device cpu/,
  );
  assert.equal(existsSync(adapterDir(root, 'lost')), false, 'no partial adapter');

  const resumed = train(['--device', 'cpu', '--resume']);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /training \d+ parameters on cpu: .*, resumed after epoch 1\n/);
  assert.match(resumed.stdout, /Adapter 'lost' \(best epoch \d\) written/);
});
