// Reads the golden fixtures written by tools/reference/make_goldens.py and runs our graphs on the same inputs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { conformFeeds } from '../../src/core/engine/batch';
import type { Device } from '../../src/core/engine/deviceNames';
import { emitModel } from '../../src/core/graph/emit';
import { kernelsFor, type Precision } from '../../src/core/graph/kernels';
import { buildPastaGraph, io, type TaskType } from '../../src/core/graph/pastaGraph';
import { defaultModelDir } from '../../src/core/model/hub/cacheDir';
import { loadModelFolder } from '../../src/core/model/modelFolder';
import { SafetensorsFile } from '../../src/core/model/safetensors/safetensors';
import type { Float32Tensor } from '../../src/core/model/types';

export const GOLDEN_DIR = 'test/fixtures/golden';

export interface GoldenCase {
  name: string;
  task: TaskType;
  num_labels: number;
  num_slots: number;
  model: string;
  input_ids: number[][];
  attention_mask: number[][];
  token_type_ids: number[][] | null;
  /** null where the family has no absolute position embeddings (DeBERTa-v3): the graph is fed 0..S-1. */
  position_ids: number[][] | null;
  special_positions: number[][];
  labels: number[][] | number[];
}

export function goldenCaseNames(): string[] {
  return readdirSync(GOLDEN_DIR).filter((d) => existsSync(join(GOLDEN_DIR, d, 'case.json')));
}

export function readCase(name: string): GoldenCase {
  return JSON.parse(readFileSync(join(GOLDEN_DIR, name, 'case.json'), 'utf8')) as GoldenCase;
}

/** The model folder a case names: a fixture folder, or the fetched all-MiniLM-L6-v2 (undefined if absent). */
export function caseModelDir(c: GoldenCase): string | undefined {
  if (c.model === 'all-MiniLM-L6-v2') return existsSync(join(defaultModelDir(), 'model.safetensors')) ? defaultModelDir() : undefined;
  return resolve(GOLDEN_DIR, c.name, c.model);
}

/** A case's golden.safetensors, from the float32 goldens or another golden folder (the int8 ones). */
export async function readGoldenTensors(name: string, dir = GOLDEN_DIR): Promise<Map<string, Float32Tensor>> {
  const file = await SafetensorsFile.open(join(dir, name, 'golden.safetensors'));
  try {
    const out = new Map<string, Float32Tensor>();
    for (const n of file.names) out.set(n, await file.readFloat32(n));
    return out;
  } finally {
    await file.close();
  }
}

const int64 = (rows: number[][]) =>
  new ort.Tensor(
    'int64',
    BigInt64Array.from(rows.flat(), (v) => BigInt(v)),
    [rows.length, rows[0].length],
  );

/**
 * Runs our graph for `mode` on a golden case's inputs and parameters, built for and run on `device` (the CPU
 * by default). Training exposes the hidden states and sums the vector gradient over the batch as the golden
 * does; inference gets the head once per row, as the predictor feeds it.
 */
export async function runOurs(
  c: GoldenCase,
  modelDir: string,
  golden: Map<string, Float32Tensor>,
  device: Device = 'cpu',
  mode: 'train' | 'infer' = 'train',
  precision: Precision = 'fp32',
): Promise<Record<string, ort.Tensor>> {
  const { config, weights } = await loadModelFolder(modelDir);
  const graph = buildPastaGraph({
    config,
    weights,
    task: c.task,
    numLabels: c.num_labels,
    numSlots: c.num_slots,
    mode,
    outputHiddenStates: mode === 'train',
    kernels: kernelsFor(device),
    precision,
  });
  // Warnings off: the WebGPU session warns that onnxruntime keeps shape computations on the CPU.
  const session = await ort.InferenceSession.create(emitModel(graph), { intraOpNumThreads: 1, executionProviders: [device], logSeverityLevel: 3 });
  const batch = c.input_ids.length;
  const seq = c.input_ids[0].length;
  const K = c.num_slots;
  const H = config.hidden_size;
  const C = c.num_labels;
  const slotMask = new Float32Array(batch * seq * K);
  c.special_positions.forEach((row, b) => row.forEach((pos, k) => pos >= 0 && (slotMask[(b * seq + pos) * K + k] = 1)));
  const vectors = golden.get('pasta_vectors')!.data;
  const perRow = (data: Float32Array) => {
    const rows = new Float32Array(batch * data.length);
    for (let b = 0; b < batch; b++) rows.set(data, b * data.length);
    return rows;
  };
  const head = { weight: golden.get('classifier.weight')!.data, bias: golden.get('classifier.bias')!.data };
  const feeds: Record<string, ort.Tensor> = {
    [io.inputIds]: int64(c.input_ids),
    [io.attentionMask]: int64(c.attention_mask),
    [io.positionIds]: int64(c.position_ids ?? c.input_ids.map((row) => row.map((_, i) => i))),
    [io.slotMask]: new ort.Tensor('float32', slotMask, [batch, seq, K]),
  };
  if (mode === 'train') {
    feeds[io.classifierWeight] = new ort.Tensor('float32', head.weight, [C, H]);
    feeds[io.classifierBias] = new ort.Tensor('float32', head.bias, [C]);
    feeds[io.labels] =
      c.task === 'token'
        ? int64(c.labels as number[][])
        : new ort.Tensor(
            'int64',
            BigInt64Array.from(c.labels as number[], (v) => BigInt(v)),
            [batch],
          );
  } else {
    feeds[io.classifierWeight] = new ort.Tensor('float32', perRow(head.weight), [batch, C, H]);
    feeds[io.classifierBias] = new ort.Tensor('float32', perRow(head.bias), [batch, C]);
  }
  if (config.type_vocab_size > 0) feeds[io.tokenTypeIds] = int64(c.token_type_ids!);
  for (let l = 0; l < config.num_hidden_layers; l++) {
    feeds[io.pastaVectors(l)] = new ort.Tensor('float32', perRow(vectors.subarray(l * K * H, (l + 1) * K * H)), [batch, K, H]);
  }
  const out: Record<string, ort.Tensor> = { ...(await session.run(conformFeeds(session, feeds))) };
  await session.release();
  if (mode === 'infer') return out;
  // The golden vector gradient is one [L, K, H] tensor summed over the batch; ours is per layer and row.
  const gradVectors = new Float32Array(config.num_hidden_layers * K * H);
  for (let l = 0; l < config.num_hidden_layers; l++) {
    const g = out[io.grad(io.pastaVectors(l))].data as Float32Array;
    for (let b = 0; b < batch; b++) for (let j = 0; j < K * H; j++) gradVectors[l * K * H + j] += g[b * K * H + j];
  }
  out['grad.pasta_vectors'] = new ort.Tensor('float32', gradVectors, [config.num_hidden_layers, K, H]);
  return out;
}

/** max |ours - golden| / max(|golden|): the error relative to the tensor's scale. */
export function relativeError(ours: ArrayLike<number>, golden: ArrayLike<number>): { maxAbs: number; scale: number; relative: number } {
  if (ours.length !== golden.length) throw new Error(`length ${ours.length} vs golden ${golden.length}`);
  let maxAbs = 0;
  let scale = 0;
  for (let i = 0; i < golden.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(ours[i] - golden[i]));
    scale = Math.max(scale, Math.abs(golden[i]));
  }
  return { maxAbs, scale, relative: maxAbs / Math.max(scale, 1e-30) };
}
