// `pasta train --precision int8` on a small sample (a tiny BERT text-classification workspace): the CPU trains with
// the frozen base's products in int8 and the adapter records it; a GPU provider says in one line why it trains
// in fp32 instead; an emulated CPU whose integer kernel saturates (qemu, AVX2 without VNNI) trains and predicts with
// 7-bit weights.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { adapterDir, loadAdapter } from '../../../src/core/adapter/index.js';
import { int8KernelSaturates } from '../../../src/core/engine/int8Kernel.js';
import { makeSequenceWorkspace, type SequenceWorkspace } from '../classification/sequenceWorkspace.js';
import { relativeError } from '../../helpers/goldens.js';
import { onEmulatedCpu, qemuMissing } from '../../helpers/qemu.js';
import { skipIfMissing } from '../../helpers/requirements.js';
import { webGpuAdapterOrSkip } from '../../helpers/webgpu.js';
import { runPasta } from './runPasta.js';

describe('pasta train --precision int8', () => {
  let ws: SequenceWorkspace | undefined;
  before(async () => {
    ws = await makeSequenceWorkspace();
  });
  after(async () => {
    if (ws) await rm(ws.root, { recursive: true, force: true });
  });

  it('trains on the CPU in int8, records the precision, and learns other values than fp32 from the same seed', async () => {
    const root = ws!.root;
    for (const precision of ['int8', 'fp32']) {
      const res = runPasta(['train', '-w', root, '--device', 'cpu', '--precision', precision, '--name', precision, '--epochs', '2'], { cwd: root });
      assert.equal(res.status, 0, res.stderr);
      assert.match(res.stderr, new RegExp(`\\ntraining \\d+ parameters on cpu${precision === 'int8' ? ' in int8' : ''}: `));
    }
    const [int8, fp32] = await Promise.all([loadAdapter(adapterDir(root, 'int8')), loadAdapter(adapterDir(root, 'fp32'))]);
    assert.equal(int8.config.metrics.precision, 'int8');
    assert.equal(int8.config.metrics.int8_weight_bits, (await int8KernelSaturates()) ? 7 : 8);
    assert.equal(int8.config.hyperparameters.precision, 'int8');
    assert.equal(fp32.config.metrics.precision, 'fp32');
    const err = relativeError(int8.tensors.pasta_vectors.data, fp32.tensors.pasta_vectors.data);
    assert.ok(err.relative > 0 && err.relative < 0.5, `int8 vectors differ from fp32's by ${err.relative} of their scale`);
  });

  it('on a GPU provider trains in fp32 and says why in the start line', async (t) => {
    if (!(await webGpuAdapterOrSkip(t))) return;
    const root = ws!.root;
    const res = runPasta(['train', '-w', root, '--device', 'webgpu', '--precision', 'int8', '--name', 'gpu', '--epochs', '1'], { cwd: root });
    assert.equal(res.status, 0, res.stderr);
    assert.match(
      res.stderr,
      /\ntraining \d+ parameters on webgpu \(int8 runs on the CPU only \(onnxruntime has no int8 product kernel for webgpu\): the base runs in fp32\): /,
    );
    assert.equal((await loadAdapter(adapterDir(root, 'gpu'))).config.metrics.precision, 'fp32');
  });

  it(
    'on a CPU whose integer kernel saturates (qemu -cpu Haswell) trains with 7-bit weights, says so once and records it',
    { skip: skipIfMissing(qemuMissing()) },
    async () => {
      const root = ws!.root;
      const res = runPasta(['train', '-w', root, '--device', 'cpu', '--precision', 'int8', '--name', 'haswell', '--epochs', '2'], {
        cwd: root,
        prefix: onEmulatedCpu('Haswell-noTSX'),
      });
      assert.equal(res.status, 0, res.stderr);
      assert.match(res.stderr, /\ntraining \d+ parameters on cpu in int8 \(7-bit weights: this CPU's integer kernel saturates\): /);
      assert.equal(res.stderr.split('7-bit').length, 2, 'the 7-bit weights are said once');
      const losses = [...res.stderr.matchAll(/loss (\S+)/g)].map((m) => Number(m[1]));
      assert.equal(losses.length, 2, res.stderr);
      assert.ok(losses.every(Number.isFinite), `losses ${losses.join(', ')}`);
      const { config, tensors } = await loadAdapter(adapterDir(root, 'haswell'));
      assert.equal(config.metrics.precision, 'int8');
      assert.equal(config.metrics.int8_weight_bits, 7);
      assert.ok(tensors.pasta_vectors.data.every(Number.isFinite));

      const predicted = runPasta(['predict', '-w', root, '--adapter', 'haswell', '--device', 'cpu', '--precision', 'int8', '--text', 'a short text'], {
        cwd: root,
        prefix: onEmulatedCpu('Haswell-noTSX'),
      });
      assert.equal(predicted.status, 0, predicted.stderr);
      assert.equal(predicted.stderr, "predicted on cpu in int8 (7-bit weights: this CPU's integer kernel saturates)\n");
    },
  );

  it('refuses a precision it does not know, naming the choices', () => {
    const res = runPasta(['train', '-w', ws!.root, '--precision', 'int4'], { cwd: ws!.root });
    assert.equal(res.status, 1);
    assert.match(res.stderr, /precision/);
    assert.match(res.stderr, /fp32, int8/);
  });
});
