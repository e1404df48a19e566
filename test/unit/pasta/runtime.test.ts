import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { batchFeeds, type EncodedExample } from '../../../src/core/engine/batch';
import { providerAvailability } from '../../../src/core/engine/device';
import { createSession } from '../../../src/core/engine/session';
import { emitModel } from '../../../src/core/graph/emit';
import { buildPastaGraph, io, type TaskType } from '../../../src/core/graph/pastaGraph';
import { SeededRandom } from '../../../src/core/util/random';
import { flatten, initParams, PastaRuntime, type PastaParams } from '../../../src/core/pasta/runtime';
import { writeTinyModel } from '../../helpers/tinyModel';
import { tinyBase, tinyRuntime, type TinyBase } from './tinyPasta';

let base: TinyBase;
const runtimes: PastaRuntime[] = [];
before(async () => (base = await tinyBase()));
after(async () => {
  for (const r of runtimes) await r.release();
  await base.remove();
});
const runtimeFor = (numLabels: number, task: TaskType = 'token') => {
  const r = tinyRuntime(base, numLabels, task);
  runtimes.push(r);
  return r;
};

/** Parameters far enough from zero that every gradient is well above float noise. */
function params(numLabels: number, seed: number): PastaParams {
  const random = new SeededRandom(seed);
  const p = initParams({ ...base.config, initializer_range: 0.5 }, 2, numLabels, random.next);
  p.classifierBias.forEach((_, i) => (p.classifierBias[i] = random.next() - 0.5));
  return p;
}

function examples(task: TaskType, numLabels: number): EncodedExample[] {
  const random = new SeededRandom(5);
  return [5, 9, 3, 7].map((n, b) => {
    const ids = [2, ...Array.from({ length: n }, () => 30 + Math.floor(random.next() * 60)), 3];
    return {
      inputIds: ids,
      specialTokensMask: ids.map((_, i) => (i === 0 || i === n + 1 ? 1 : 0)),
      labels: task === 'sequence' ? b % numLabels : ids.map((_, i) => (i === 0 || i === n + 1 || i % 4 === 3 ? -100 : Math.floor(random.next() * numLabels))),
    };
  });
}

const scoredCount = (e: EncodedExample) => (Array.isArray(e.labels) ? e.labels.filter((l) => l !== -100).length : 1);

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance * Math.max(scale, 1e-6), `${what}[${i}]: ${actual[i]} vs ${expected[i]} (scale ${scale})`);
  }
}

for (const task of ['token', 'sequence'] as const) {
  test(`without dropout the batch gradient is the label-weighted sum of per-row gradients (${task})`, async () => {
    const numLabels = 3;
    const runtime = runtimeFor(numLabels, task);
    const p = params(numLabels, 1);
    const rows = examples(task, numLabels);
    const whole = await runtime.trainStep(rows, p);
    const total = rows.reduce((n, e) => n + scoredCount(e), 0);
    const sum = flatten(p).map((a) => new Float64Array(a.length));
    let loss = 0;
    for (const row of rows) {
      const one = await runtime.trainStep([row], p);
      const weight = scoredCount(row) / total;
      loss += weight * one.loss;
      flatten(one.grads).forEach((g, k) => g.forEach((x, j) => (sum[k][j] += weight * x)));
    }
    assert.ok(Math.abs(whole.loss - loss) < 1e-5 * Math.abs(loss), `loss ${whole.loss} vs ${loss}`);
    flatten(whole.grads).forEach((g, k) => {
      assert.ok(
        g.some((x) => Math.abs(x) > 1e-4),
        `gradient ${k} is not zero`,
      );
      assertClose(g, sum[k], 1e-4, `gradient ${k}`);
    });
  });
}

test('dropout zeroes the gradient of dropped vector elements, and dropped values do not reach the forward pass', async () => {
  const numLabels = 3;
  const runtime = runtimeFor(numLabels);
  const p = params(numLabels, 2);
  const [row] = examples('token', numLabels);
  const draws = (seed: number) => {
    const random = new SeededRandom(seed);
    const seen: number[] = [];
    return { seen, random: () => (seen.push(random.next()), seen[seen.length - 1]) };
  };
  const first = draws(9);
  const step = await runtime.trainStep([row], p, { dropout: 0.5, random: first.random });
  // The runtime draws the vector masks first, layer by layer, element by element (then the head's mask).
  const per = p.vectors[0].length;
  const dropped = p.vectors.map((_, l) => Array.from({ length: per }, (_, j) => first.seen[l * per + j] >= 0.5));
  let zeros = 0;
  step.grads.vectors.forEach((g, l) =>
    g.forEach((x, j) => {
      if (dropped[l][j]) {
        assert.equal(x, 0, `layer ${l} element ${j} was dropped`);
        zeros++;
      }
    }),
  );
  assert.ok(zeros > per / 4 && zeros < (3 * per * p.vectors.length) / 4, `about half of the elements dropped (${zeros})`);
  assert.ok(
    step.grads.vectors.some((g, l) => g.some((x, j) => !dropped[l][j] && x !== 0)),
    'kept elements have gradients',
  );

  // Whatever a dropped element holds, the step is the same; changing a kept element changes it.
  const poisoned: PastaParams = { ...p, vectors: p.vectors.map((v, l) => v.map((x, j) => (dropped[l][j] ? 1e3 : x))) };
  const again = await runtime.trainStep([row], poisoned, { dropout: 0.5, random: draws(9).random });
  assert.equal(again.loss, step.loss);
  flatten(again.grads).forEach((g, k) => assert.deepEqual(g, flatten(step.grads)[k]));
  const slotOfCls = dropped[0].findIndex((d) => !d);
  const nudged: PastaParams = { ...p, vectors: p.vectors.map((v, l) => (l === 0 ? v.map((x, j) => (j === slotOfCls ? x + 1 : x)) : v)) };
  const moved = await runtime.trainStep([row], nudged, { dropout: 0.5, random: draws(9).random });
  assert.notEqual(moved.loss, step.loss);
});

test('predict with per-row heads of different label counts equals running each adapter alone', async () => {
  const runtime = runtimeFor(5);
  const adapters = [
    { params: params(5, 3), labels: 5 },
    { params: params(3, 4), labels: 3 },
  ];
  const rows = examples('token', 3);
  const which = [0, 1, 1, 0];
  const together = await runtime.predict(
    rows,
    which.map((a) => adapters[a].params),
    which.map((a) => adapters[a].labels),
  );
  const paddedLength = Math.max(...rows.map((r) => r.inputIds.length));
  for (const [b, row] of rows.entries()) {
    const { params: rowParams, labels } = adapters[which[b]];
    const [alone] = await runtime.predict([row], [rowParams], [labels]);
    const positions = row.inputIds.length;
    // Each row holds its own adapter's labels at every position of the padded batch, no more, no fewer.
    assert.equal(together[b].length, paddedLength * labels, `row ${b}`);
    assert.equal(alone.length, positions * labels, `row ${b} alone`);
    assertClose(together[b].subarray(0, positions * labels), alone, 1e-5, `row ${b}`);
    for (let s = 0; s < positions; s++) {
      const total = together[b].subarray(s * labels, (s + 1) * labels).reduce((x, y) => x + y, 0);
      assert.ok(Math.abs(total - 1) < 1e-5, `row ${b} position ${s}: its own labels hold all the probability (${total})`);
    }
  }
});

test('the training loss is the cross-entropy of the inference probabilities', async () => {
  const runtime = runtimeFor(4);
  const p = params(4, 6);
  const rows = examples('token', 4);
  const { loss } = await runtime.trainStep(rows, p);
  const probs = await runtime.predict(
    rows,
    rows.map(() => p),
    rows.map(() => 4),
  );
  let nll = 0;
  let count = 0;
  rows.forEach((row, b) =>
    (row.labels as number[]).forEach((label, s) => {
      if (label === -100) return;
      nll -= Math.log(probs[b][s * 4 + label]);
      count++;
    }),
  );
  assert.ok(Math.abs(loss - nll / count) < 1e-5 * (nll / count), `${loss} vs ${nll / count}`);
});

test('the inference and training graphs give the same logits', async () => {
  const numLabels = 4;
  const p = params(numLabels, 7);
  const rows = examples('token', numLabels);
  const { config, weights } = base;
  const options = { config, padTokenId: 0, numSlots: 2 };
  const logits: Float32Array[] = [];
  for (const mode of ['train', 'infer'] as const) {
    const graph = buildPastaGraph({ config, weights, task: 'token', numLabels, numSlots: 2, mode, headDropout: mode === 'train' });
    const { session } = await createSession(emitModel(graph), { device: 'cpu', threads: 1 });
    const feeds = batchFeeds(
      rows,
      rows.map(() => p.vectors),
      options,
      'token',
    );
    const [batch, seq] = feeds[io.inputIds].dims as number[];
    const H = config.hidden_size;
    if (mode === 'train') {
      feeds[io.classifierWeight] = new ort.Tensor('float32', p.classifierWeight, [numLabels, H]);
      feeds[io.classifierBias] = new ort.Tensor('float32', p.classifierBias, [numLabels]);
      feeds[io.headDropoutMask] = new ort.Tensor('float32', new Float32Array(batch * seq * H).fill(1), [batch, seq, H]);
    } else {
      delete feeds[io.labels];
      const weight = new Float32Array(batch * numLabels * H);
      const bias = new Float32Array(batch * numLabels);
      for (let b = 0; b < batch; b++) {
        weight.set(p.classifierWeight, b * numLabels * H);
        bias.set(p.classifierBias, b * numLabels);
      }
      feeds[io.classifierWeight] = new ort.Tensor('float32', weight, [batch, numLabels, H]);
      feeds[io.classifierBias] = new ort.Tensor('float32', bias, [batch, numLabels]);
    }
    const out = await session.run(feeds);
    assert.deepEqual(out[io.logits].dims, [batch, seq, numLabels]);
    logits.push(out[io.logits].data as Float32Array);
    await session.release();
  }
  assertClose(logits[1], logits[0], 1e-5, 'logits');
});

test('a runtime that releases its weights after warm-up empties the map and trains and predicts from its sessions alone', async () => {
  const numLabels = 3;
  const own = new Map([...base.weights].map(([name, t]) => [name, { shape: t.shape, data: Float32Array.from(t.data) }]));
  const releasing = new PastaRuntime({ ...tinyRuntime(base, numLabels).options, weights: own, releaseWeightsAfterWarmUp: true });
  runtimes.push(releasing);
  const arrays = [...own.values()].map((t) => t.data);
  await releasing.warmUp();
  assert.equal(own.size, 0);
  // Were onnxruntime still reading these arrays, the poisoned values would reach the loss.
  for (const a of arrays) a.fill(Number.NaN);
  const keeping = runtimeFor(numLabels);
  const rows = examples('token', numLabels);
  const p = params(numLabels, 9);
  const [released, kept] = [await releasing.trainStep(rows, p), await keeping.trainStep(rows, p)];
  assert.equal(released.loss, kept.loss);
  assert.deepEqual(flatten(released.grads), flatten(kept.grads));
  const heads = rows.map(() => p);
  assert.deepEqual(
    await releasing.predict(rows, heads, [numLabels, numLabels, numLabels, numLabels]),
    await keeping.predict(rows, heads, [numLabels, numLabels, numLabels, numLabels]),
  );
});

test('a runtime asked for CUDA where it is missing runs on the CPU and keeps the reason for the user', async (t) => {
  if (providerAvailability('cuda').available) return t.skip('the CUDA provider is installed here');
  const runtime = new PastaRuntime({ ...tinyRuntime(base, 3).options, device: 'cuda' });
  runtimes.push(runtime);
  await runtime.warmUp();
  assert.equal(runtime.device, 'cpu');
  assert.match(runtime.fallbackReason ?? '', /^cuda: /);
  const rows = examples('token', 3);
  const p = params(3, 8);
  const onCpu = runtimeFor(3);
  assert.equal((await runtime.trainStep(rows, p)).loss, (await onCpu.trainStep(rows, p)).loss);
});

for (const task of ['token', 'sequence'] as const) {
  test(`padding and the other rows of a batch do not change a row's probabilities (roberta, ${task})`, async () => {
    const model = await writeTinyModel(join(base.root, `roberta-${task}`), 'roberta');
    const runtime = new PastaRuntime({
      config: model.config,
      weights: model.weights,
      task,
      numLabels: 3,
      numSlots: 2,
      padTokenId: 1,
      device: 'cpu',
      threads: 1,
    });
    runtimes.push(runtime);
    const random = new SeededRandom(12);
    const p = initParams({ ...model.config, initializer_range: 0.5 }, 2, 3, random.next);
    // <s> ... </s> rows of different lengths; one holds a <pad> id inside it, which RoBERTa's positions skip.
    const rows: EncodedExample[] = [4, 11, 1, 7].map((n, b) => {
      const ids = [0, ...Array.from({ length: n }, (_, i) => (b === 3 && i === 2 ? 1 : 5 + Math.floor(random.next() * 250))), 2];
      return { inputIds: ids, specialTokensMask: ids.map((_, i) => (i === 0 || i === n + 1 ? 1 : 0)) };
    });
    const together = await runtime.predict(
      rows,
      rows.map(() => p),
      rows.map(() => 3),
    );
    for (const [b, row] of rows.entries()) {
      const [alone] = await runtime.predict([row], [p], [3]);
      const width = task === 'token' ? row.inputIds.length * 3 : 3;
      assertClose(together[b].subarray(0, width), alone, 1e-5, `row ${b}`);
    }
  });
}
