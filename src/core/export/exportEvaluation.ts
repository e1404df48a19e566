// Dev scores of an exported model.onnx, run as it will be deployed (onnxruntime's default graph optimisation, fed
// only what a tokenizer gives), on the dev split of the workspace's project: the windows, the decoding and the
// scores of `pasta eval`, with the exported graph in place of the product's.
import * as ort from 'onnxruntime-node';
import { adapterLabels, type LoadedAdapter } from '../adapter/index';
import type { EncodedExample } from '../engine/batch';
import { createSession } from '../engine/session';
import { prepareSequenceTask, prepareTokenTask, type DevScores, type PreparedTask } from '../pasta/tasks';
import type { BaseModel } from '../project/baseModel';
import { loadClassificationData } from '../project/classificationData';
import { readProjectFile } from '../project/projectFile';
import { fitProjectMaxLength } from '../project/maxLength';
import { loadWorkspaceData } from '../project/workspaceData';

export interface DevTask {
  task: PreparedTask;
  batchSize: number;
  /** Documents (token task) or records (sequence task) in the dev split. */
  documents: number;
}

/** The project's dev split prepared for the adapter, as `pasta eval` prepares it. */
export async function adapterDevTask(workspaceRoot: string, adapter: LoadedAdapter, base: BaseModel): Promise<DevTask> {
  const contents = await readProjectFile(workspaceRoot);
  const { project } = contents;
  const hp = { ...project.hyperparameters, ...(await fitProjectMaxLength(base, contents, project.hyperparameters)) };
  const labels = adapterLabels(adapter.config);
  if (adapter.config.task_type === 'SEQ_CLS') {
    const { dev } = await loadClassificationData(workspaceRoot, project);
    return { task: prepareSequenceTask(base.tokenizer, labels, [], dev, hp.maxLength), batchSize: hp.batchSize, documents: dev.length };
  }
  const { dev } = await loadWorkspaceData(workspaceRoot, project);
  const task = prepareTokenTask(base.tokenizer, labels, [], dev, { maxLength: hp.maxLength, stride: hp.stride, wordSplit: 'tokenizer' });
  return { task, batchSize: hp.batchSize, documents: dev.length };
}

export interface ExportedScores {
  scores: DevScores;
  /** Wall time of the forward passes alone, and the tokens they ran (padding included). */
  seconds: number;
  tokens: number;
}

function int64(values: number[], dims: number[]): ort.Tensor {
  return new ort.Tensor(
    'int64',
    BigInt64Array.from(values, (v) => BigInt(v)),
    dims,
  );
}

/** A tokenizer's feeds for a batch: ids padded with the pad token, the attention mask and the token types. */
export function tokenizerFeeds(examples: EncodedExample[], padTokenId: number): Record<string, ort.Tensor> {
  const S = Math.max(...examples.map((e) => e.inputIds.length));
  const ids: number[] = [];
  const mask: number[] = [];
  const types: number[] = [];
  for (const e of examples) {
    for (let i = 0; i < S; i++) {
      const inside = i < e.inputIds.length;
      ids.push(inside ? e.inputIds[i] : padTokenId);
      mask.push(inside ? 1 : 0);
      types.push(inside ? (e.tokenTypeIds?.[i] ?? 0) : 0);
    }
  }
  const dims = [examples.length, S];
  return { input_ids: int64(ids, dims), attention_mask: int64(mask, dims), token_type_ids: int64(types, dims) };
}

function softmaxRows(logits: Float32Array, C: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let r = 0; r < logits.length; r += C) {
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, logits[r + c]);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += out[r + c] = Math.exp(logits[r + c] - max);
    for (let c = 0; c < C; c++) out[r + c] /= sum;
  }
  return out;
}

/** Scores `model` (ONNX bytes or a file) on the dev task, batches of similar length as the trainer's evaluation. */
export async function scoreExportedModel(model: Uint8Array | string, dev: DevTask, padTokenId: number, threads?: number): Promise<ExportedScores> {
  const { session } = await createSession(model, { device: 'cpu', threads });
  const { task, batchSize } = dev;
  const probabilities: Float32Array[] = new Array(task.dev.length);
  const order = task.dev.map((_, i) => i).sort((a, b) => task.dev[a].inputIds.length - task.dev[b].inputIds.length);
  let seconds = 0;
  let tokens = 0;
  try {
    for (let i = 0; i < order.length; i += batchSize) {
      const idx = order.slice(i, i + batchSize);
      const feeds = tokenizerFeeds(
        idx.map((k) => task.dev[k]),
        padTokenId,
      );
      const t0 = performance.now();
      const { logits } = await session.run(Object.fromEntries(session.inputNames.map((n) => [n, feeds[n]])));
      seconds += (performance.now() - t0) / 1000;
      tokens += feeds.input_ids.size;
      const C = logits.dims.at(-1)!;
      const perRow = logits.size / idx.length;
      const probs = softmaxRows(logits.data as Float32Array, C);
      idx.forEach((k, b) => (probabilities[k] = probs.slice(b * perRow, (b + 1) * perRow)));
    }
  } finally {
    await session.release();
  }
  return { scores: task.score(probabilities), seconds, tokens };
}
