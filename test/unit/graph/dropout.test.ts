// The encoder's dropouts: ONNX Dropout in training mode, its VJP, its rate, and where each family puts it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { emitModel } from '../../../src/core/graph/emit';
import { encoderDropoutRates } from '../../../src/core/graph/encoderDropout';
import { Graph } from '../../../src/core/graph/graph';
import * as ops from '../../../src/core/graph/ops';
import { buildPastaGraph } from '../../../src/core/graph/pastaGraph';
import type { EncoderConfig, ModelFamily } from '../../../src/core/model/types';
import { gradCheck, randomArray, seededRandom } from '../../helpers/gradcheck';
import { makeTinyWeights, tinyConfig } from '../../helpers/tinyModel';

test('Dropout VJP matches central differences with the mask a seed fixes', async () => {
  const dims = [3, 4, 5];
  const data = randomArray(60, seededRandom(11));
  const r = await gradCheck([{ name: 'x', shape: dims, dims, data }], (g, [x]) => ops.mul(g, ops.dropout(g, x, 0.3, 1234), x), { freshSessions: true });
  assert.ok(r.maxRelError < 1e-6, `max relative error ${r.maxRelError}`);
  const zeros = r.analytic[0].filter((v) => v === 0).length;
  // y = dropout(x) * x has dy/dx = 0 exactly where the mask drops and nowhere else (the data has no zeros).
  assert.ok(zeros > 5 && zeros < 40, `${zeros} of 60 gradients are zero: the mask must drop some and keep most`);
});

test('Dropout VJP matches central differences where a product makes its incoming gradient (the scale placed there)', async () => {
  const rand = seededRandom(12);
  const [xDims, wDims] = [
    [2, 3, 4],
    [4, 5],
  ];
  const inputs = [
    { name: 'x', shape: xDims, dims: xDims, data: randomArray(24, rand) },
    { name: 'w', shape: wDims, dims: wDims, data: randomArray(20, rand), differentiate: false },
  ];
  const r = await gradCheck(inputs, (g, [x, w]) => ops.matmul(g, ops.dropout(g, x, 0.25, 99), w), { freshSessions: true });
  assert.ok(r.maxRelError < 1e-6, `max relative error ${r.maxRelError}`);
  assert.ok(r.analytic[0].some((v) => v === 0) && r.analytic[0].some((v) => v !== 0), 'some elements dropped, some kept');
});

test('Dropout drops at its rate and scales what it keeps by 1 / (1 - rate)', async () => {
  const n = 200_000;
  for (const rate of [0.1, 0.5]) {
    const g = new Graph('rate');
    const x = g.input('x', 'float32', [n]);
    g.output(ops.dropout(g, x, rate, 7), 'y');
    const session = await ort.InferenceSession.create(emitModel(g));
    const ones = new ort.Tensor('float32', new Float32Array(n).fill(1), [n]);
    const [first, second] = [(await session.run({ x: ones })).y.data as Float32Array, (await session.run({ x: ones })).y.data as Float32Array];
    const dropped = first.filter((v) => v === 0).length / n;
    // Binomial: the standard deviation of the dropped share is sqrt(rate (1 - rate) / n) <= 0.0012; 5 of them.
    assert.ok(Math.abs(dropped - rate) < 5 * Math.sqrt((rate * (1 - rate)) / n), `rate ${rate}: dropped ${dropped}`);
    assert.ok(
      first.every((v) => v === 0 || Math.abs(v - 1 / (1 - rate)) < 1e-6),
      'kept values are scaled by 1 / (1 - rate)',
    );
    assert.ok(
      first.some((v, i) => v !== second[i]),
      'each run draws a new mask',
    );
  }
});

function trainGraph(config: EncoderConfig, encoderDropout?: { seed: number }) {
  return buildPastaGraph({
    config,
    weights: makeTinyWeights(config),
    task: 'token',
    numLabels: 3,
    numSlots: 2,
    mode: 'train',
    headDropout: true,
    encoderDropout,
  });
}
const opTypes = (g: Graph) => g.nodes.map((n) => n.opType);
const dropouts = (g: Graph) => opTypes(g).filter((t) => t === 'Dropout').length;

test('rates of 0 give the graph without dropout, node for node', () => {
  for (const family of ['bert', 'distilbert', 'deberta-v2', 'modernbert'] as ModelFamily[]) {
    const config = tinyConfig(family);
    const silent = {
      ...config,
      hidden_dropout_prob: 0,
      attention_probs_dropout_prob: 0,
      ...(config.model_type === 'modernbert' ? { mlp_dropout: 0 } : {}),
    } as EncoderConfig;
    assert.deepEqual(opTypes(trainGraph(silent, { seed: 1 })), opTypes(trainGraph(silent)), family);
  }
});

test("each family's dropouts sit where transformers puts them, at its config's rates", () => {
  const layers = tinyConfig('bert').num_hidden_layers;
  // BERT: embeddings, then per layer attention probabilities, attention output and FFN output.
  assert.equal(dropouts(trainGraph(tinyConfig('bert'), { seed: 1 })), 1 + 3 * layers);
  // DistilBERT has no dropout after the attention's out_lin.
  assert.equal(dropouts(trainGraph(tinyConfig('distilbert'), { seed: 1 })), 1 + 2 * tinyConfig('distilbert').num_hidden_layers);
  // DeBERTa adds pos_dropout on the relative embeddings in every layer.
  const deberta = tinyConfig('deberta-v2');
  assert.ok(deberta.model_type === 'deberta-v2' && deberta.relative_attention, 'the tiny DeBERTa has relative attention');
  assert.equal(dropouts(trainGraph(deberta, { seed: 1 })), 1 + 4 * deberta.num_hidden_layers);
  // ModernBERT's checkpoints have every rate at 0; with attention_dropout and mlp_dropout set: probabilities,
  // Wo's output and the gated MLP activation per layer.
  const modern = { ...tinyConfig('modernbert'), attention_probs_dropout_prob: 0.1, mlp_dropout: 0.1 } as EncoderConfig;
  assert.equal(dropouts(trainGraph(modern, { seed: 1 })), 3 * modern.num_hidden_layers);
  assert.deepEqual(encoderDropoutRates(tinyConfig('modernbert')), {
    embeddings: 0,
    attentionProbs: 0,
    attentionOutput: 0,
    feedForward: 0,
    relativeEmbeddings: 0,
  });
  // The inference graph never has any.
  const config = tinyConfig('bert');
  const infer = buildPastaGraph({
    config,
    weights: makeTinyWeights(config),
    task: 'token',
    numLabels: 3,
    numSlots: 2,
    mode: 'infer',
    encoderDropout: { seed: 1 },
  });
  assert.equal(dropouts(infer), 0);
});
