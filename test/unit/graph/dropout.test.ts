// The encoder's dropouts: inverted dropout through a fed keep mask, its VJP, and where each family puts it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { emitModel } from '../../../src/core/graph/emit';
import { EncoderDropout, encoderDropoutRates } from '../../../src/core/graph/encoderDropout';
import { Graph } from '../../../src/core/graph/graph';
import * as ops from '../../../src/core/graph/ops';
import { buildPastaGraph } from '../../../src/core/graph/pastaGraph';
import type { EncoderConfig, ModelFamily } from '../../../src/core/model/types';
import { gradCheck, randomArray, seededRandom } from '../../helpers/gradcheck';
import { makeTinyWeights, tinyConfig } from '../../helpers/tinyModel';

function keepInput(dims: number[], keep: number, seed: number) {
  const rand = seededRandom(seed);
  const data = Array.from({ length: dims.reduce((a, b) => a * b) }, () => (rand() < keep ? 1 : 0));
  return { name: 'keep', shape: dims, dims, data, dtype: 'bool' as const, differentiate: false };
}

test('dropout VJP matches central differences for a fed mask', async () => {
  const dims = [3, 4, 5];
  const data = randomArray(60, seededRandom(11));
  const keep = keepInput(dims, 0.7, 1);
  const r = await gradCheck([{ name: 'x', shape: dims, dims, data }, keep], (g, [x, mask]) => ops.mul(g, ops.dropout(g, x, mask, 0.3), x));
  assert.ok(r.maxRelError < 1e-6, `max relative error ${r.maxRelError}`);
  // y = dropout(x) * x has dy/dx = 0 exactly where the mask drops and nowhere else (the data has no zeros).
  r.analytic[0].forEach((v, i) => assert.equal(v === 0, keep.data[i] === 0, `element ${i}`));
});

test('dropout VJP matches central differences where a product consumes it (the scale folded there)', async () => {
  const rand = seededRandom(12);
  const [xDims, wDims] = [
    [2, 3, 4],
    [4, 5],
  ];
  const inputs = [
    { name: 'x', shape: xDims, dims: xDims, data: randomArray(24, rand) },
    keepInput(xDims, 0.75, 2),
    { name: 'w', shape: wDims, dims: wDims, data: randomArray(20, rand), differentiate: false },
  ];
  const r = await gradCheck(inputs, (g, [x, mask, w]) => ops.matmul(g, ops.dropout(g, x, mask, 0.25), w));
  assert.ok(r.maxRelError < 1e-6, `max relative error ${r.maxRelError}`);
  assert.ok(r.analytic[0].some((v) => v === 0) && r.analytic[0].some((v) => v !== 0), 'some elements dropped, some kept');
});

test('dropout zeroes where the mask is false and scales the rest by 1 / (1 - rate)', async () => {
  const n = 1000;
  const g = new Graph('rate');
  const x = g.input('x', 'float32', [n]);
  const keep = g.input('keep', 'bool', [n]);
  g.output(ops.dropout(g, x, keep, 0.2), 'y');
  const session = await ort.InferenceSession.create(emitModel(g));
  const values = Float32Array.from(randomArray(n, seededRandom(3)));
  const mask = Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 1));
  const y = (await session.run({ x: new ort.Tensor('float32', values, [n]), keep: new ort.Tensor('bool', mask, [n]) })).y.data as Float32Array;
  // === (not Object.is): a dropped negative element is -0, as in torch.
  y.forEach((v, i) => assert.ok(v === (mask[i] ? Math.fround(values[i] * Math.fround(1 / 0.8)) : 0), `element ${i}: ${v}`));
  await session.release();
});

function trainGraph(config: EncoderConfig, withDropout = false) {
  const encoderDropout = withDropout ? new EncoderDropout(encoderDropoutRates(config)) : undefined;
  const graph = buildPastaGraph({
    config,
    weights: makeTinyWeights(config),
    task: 'token',
    numLabels: 3,
    numSlots: 2,
    mode: 'train',
    headDropout: true,
    encoderDropout,
  });
  return { graph, masks: encoderDropout?.masks ?? [] };
}
const opTypes = (g: Graph) => g.nodes.map((n) => n.opType);
const dropouts = (config: EncoderConfig) => trainGraph(config, true).masks.length;

test('rates of 0 give the graph without dropout, node for node', () => {
  for (const family of ['bert', 'distilbert', 'deberta-v2', 'modernbert'] as ModelFamily[]) {
    const config = tinyConfig(family);
    const silent = {
      ...config,
      hidden_dropout_prob: 0,
      attention_probs_dropout_prob: 0,
      ...(config.model_type === 'modernbert' ? { mlp_dropout: 0 } : {}),
    } as EncoderConfig;
    assert.deepEqual(opTypes(trainGraph(silent, true).graph), opTypes(trainGraph(silent).graph), family);
  }
});

test("each family's dropouts sit where transformers puts them, at its config's rates", () => {
  const layers = tinyConfig('bert').num_hidden_layers;
  // BERT: embeddings, then per layer attention probabilities, attention output and FFN output.
  assert.equal(dropouts(tinyConfig('bert')), 1 + 3 * layers);
  // DistilBERT has no dropout after the attention's out_lin.
  assert.equal(dropouts(tinyConfig('distilbert')), 1 + 2 * tinyConfig('distilbert').num_hidden_layers);
  // DeBERTa adds pos_dropout on the relative embeddings in every layer.
  const deberta = tinyConfig('deberta-v2');
  assert.ok(deberta.model_type === 'deberta-v2' && deberta.relative_attention, 'the tiny DeBERTa has relative attention');
  assert.equal(dropouts(deberta), 1 + 4 * deberta.num_hidden_layers);
  // ModernBERT's checkpoints have every rate at 0; with attention_dropout and mlp_dropout set: probabilities,
  // Wo's output and the gated MLP activation per layer.
  const modern = { ...tinyConfig('modernbert'), attention_probs_dropout_prob: 0.1, mlp_dropout: 0.1 } as EncoderConfig;
  assert.equal(dropouts(modern), 3 * modern.num_hidden_layers);
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
    encoderDropout: new EncoderDropout(encoderDropoutRates(config)),
  });
  assert.ok(!infer.inputs.some((i) => i.dtype === 'bool'));
});

test("every family's masks are shaped by the batch and the sequence alone, which the step knows", () => {
  const families: EncoderConfig[] = [
    tinyConfig('bert'),
    tinyConfig('distilbert'),
    tinyConfig('deberta-v2'),
    { ...tinyConfig('modernbert'), hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1, mlp_dropout: 0.1 } as EncoderConfig,
  ];
  for (const config of families) {
    const { graph, masks } = trainGraph(config, true);
    assert.ok(masks.length > 0, config.model_type);
    for (const { input, keep } of masks) {
      assert.ok(graph.inputs.includes(input), `${input.name} is a graph input`);
      assert.equal(input.dtype, 'bool');
      assert.ok(keep > 0 && keep < 1);
      assert.ok(
        input.shape.every((d) => typeof d === 'number' || d === 'batch' || d === 'sequence'),
        `${config.model_type} ${input.name}: [${input.shape.join(', ')}]`,
      );
    }
  }
});
