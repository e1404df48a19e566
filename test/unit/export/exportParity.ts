// Logits of an exported model.onnx against the product's own inference graph (buildPastaGraph 'infer', fed as the
// predictor feeds it), on the same windows of the same texts, batched with padding. Compared twice: both without
// graph optimisations (the same function, op for op: equal to the bit on the machines we measured), and each as it is
// deployed: the product's graph at level 'basic' as PastaRuntime runs it, the export at onnxruntime's default 'all'
// as Optimum runs it (measured on all-MiniLM-L6-v2: 2.4e-6 apart; the product's graph at 'all', which it never
// runs, fuses into kernels 6.7e-5 away).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { adapterDir, labelsInOrder, loadAdapter, type LoadedAdapter } from '../../../src/core/adapter/index';
import { alignDocuments } from '../../../src/core/data/alignment';
import { batchFeeds, type EncodedExample } from '../../../src/core/engine/batch';
import { emitModel } from '../../../src/core/graph/emit';
import type { Precision } from '../../../src/core/graph/kernels';
import type { Int8WeightBits } from '../../../src/core/graph/ops';
import { buildPastaGraph, io } from '../../../src/core/graph/pastaGraph';
import { loadBaseModel, type BaseModel } from '../../../src/core/project/baseModel';

export interface ParityResult {
  maxAbsDiff: number;
  /** Logits compared (attended positions x labels). */
  compared: number;
  rows: number;
  /** The largest |logit| seen: a check that the comparison is not between two near-zero tensors. */
  maxAbsLogit: number;
}

type Level = 'disabled' | 'basic' | 'all';

const BATCH = 8;

/** Every non-empty line of the sample workspace's text files. */
export function sampleLines(): string[] {
  const dir = join(import.meta.dirname, '../../../samples/workspace/news');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
    .filter((line) => line.trim() !== '');
}

function encode(adapter: LoadedAdapter, base: BaseModel, texts: string[], pairs?: string[]): EncodedExample[] {
  if (adapter.config.task_type === 'TOKEN_CLS') {
    const labelIds = new Map(labelsInOrder(adapter.config).map((l, k) => [l, k]));
    const docs = texts.map((text, i) => ({ id: String(i), text, spans: [] }));
    const aligned = alignDocuments(docs, base.tokenizer, labelIds, { maxLength: 48, stride: 8, wordSplit: 'tokenizer' });
    return aligned.windows.map((w) => ({ inputIds: w.inputIds, specialTokensMask: w.specialTokensMask }));
  }
  return texts.map((text, i) => {
    const e = base.tokenizer.encode(text, pairs?.[i], { maxLength: 48 });
    return { inputIds: e.ids, specialTokensMask: e.specialTokensMask, tokenTypeIds: e.typeIds };
  });
}

/** The product's feeds for one batch: every row with the adapter's vectors and head. */
function productFeeds(adapter: LoadedAdapter, base: BaseModel, chunk: EncodedExample[]): Record<string, ort.Tensor> {
  const { config, tokenizer } = base;
  const numSlots = adapter.config.num_special_token_slots;
  const H = config.hidden_size;
  const vectors = adapter.tensors.pasta_vectors.data;
  const perLayer = Array.from({ length: config.num_hidden_layers }, (_, l) => vectors.slice(l * numSlots * H, (l + 1) * numSlots * H));
  const task = adapter.config.task_type === 'TOKEN_CLS' ? 'token' : 'sequence';
  const feeds = batchFeeds(
    chunk,
    chunk.map(() => perLayer),
    { config, padTokenId: tokenizer.specialTokens.pad, numSlots },
    task,
  );
  const head = adapter.tensors['classifier.weight'];
  const C = head.shape[0];
  const weight = new Float32Array(chunk.length * C * H);
  const bias = new Float32Array(chunk.length * C);
  chunk.forEach((_, b) => {
    weight.set(head.data, b * C * H);
    bias.set(adapter.tensors['classifier.bias'].data, b * C);
  });
  feeds[io.classifierWeight] = new ort.Tensor('float32', weight, [chunk.length, C, H]);
  feeds[io.classifierBias] = new ort.Tensor('float32', bias, [chunk.length, C]);
  return feeds;
}

async function compareAt(
  levels: { product: Level; exported: Level },
  productModel: Uint8Array,
  modelFile: string,
  adapter: LoadedAdapter,
  base: BaseModel,
  examples: EncodedExample[],
): Promise<ParityResult> {
  const product = await ort.InferenceSession.create(productModel, { intraOpNumThreads: 1, graphOptimizationLevel: levels.product });
  const exported = await ort.InferenceSession.create(modelFile, { intraOpNumThreads: 1, graphOptimizationLevel: levels.exported });
  const token = adapter.config.task_type === 'TOKEN_CLS';
  const C = adapter.tensors['classifier.bias'].shape[0];
  const result: ParityResult = { maxAbsDiff: 0, compared: 0, rows: examples.length, maxAbsLogit: 0 };
  try {
    for (let start = 0; start < examples.length; start += BATCH) {
      const chunk = examples.slice(start, start + BATCH);
      const feeds = productFeeds(adapter, base, chunk);
      const expected = (await product.run(feeds))[io.logits].data as Float32Array;
      const actual = (await exported.run(Object.fromEntries(exported.inputNames.map((name) => [name, feeds[name]])))).logits.data as Float32Array;
      if (actual.length !== expected.length) throw new Error(`logits have ${actual.length} values; the product's have ${expected.length}`);
      const S = feeds[io.inputIds].dims[1] as number;
      const mask = feeds[io.attentionMask].data as BigInt64Array;
      const positions = token ? S : 1;
      for (let b = 0; b < chunk.length; b++) {
        for (let s = 0; s < positions; s++) {
          if (token && mask[b * S + s] === 0n) continue;
          for (let c = 0; c < C; c++) {
            const k = (b * positions + s) * C + c;
            result.maxAbsDiff = Math.max(result.maxAbsDiff, Math.abs(actual[k] - expected[k]));
            result.maxAbsLogit = Math.max(result.maxAbsLogit, Math.abs(expected[k]));
            result.compared++;
          }
        }
      }
    }
  } finally {
    await product.release();
    await exported.release();
  }
  return result;
}

export async function compareWithProduct(
  workspace: string,
  adapterName: string,
  modelFile: string,
  texts: string[],
  pairs?: string[],
  precision: Precision = 'fp32',
  int8WeightBits?: Int8WeightBits,
): Promise<{ unoptimised: ParityResult; deployed: ParityResult }> {
  const adapter = await loadAdapter(adapterDir(workspace, adapterName));
  const base = await loadBaseModel(adapter.config.base_model_name_or_path, workspace);
  const examples = encode(adapter, base, texts, pairs);
  const task = adapter.config.task_type === 'TOKEN_CLS' ? 'token' : 'sequence';
  const numLabels = adapter.tensors['classifier.bias'].shape[0];
  const productModel = emitModel(
    buildPastaGraph({
      config: base.config,
      weights: base.weights,
      task,
      numLabels,
      numSlots: adapter.config.num_special_token_slots,
      mode: 'infer',
      precision,
      int8WeightBits,
    }),
  );
  return {
    unoptimised: await compareAt({ product: 'disabled', exported: 'disabled' }, productModel, modelFile, adapter, base, examples),
    deployed: await compareAt({ product: 'basic', exported: 'all' }, productModel, modelFile, adapter, base, examples),
  };
}
