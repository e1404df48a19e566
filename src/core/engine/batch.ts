// Turns encoded examples into the graph's input tensors: padding, position ids per family, the PASTA slot
// mask computed per sequence, and per-row PASTA vectors.
import * as ort from 'onnxruntime-node';
import { io } from '../graph/pastaGraph';
import type { EncoderConfig } from '../model/types';

export interface EncodedExample {
  inputIds: number[];
  tokenTypeIds?: number[];
  /** 1 where the tokenizer's post-processor added a special token ([CLS], [SEP], <s>, </s>, ...). */
  specialTokensMask: number[];
  /** Token task: a label id per token (-100 to ignore); sequence task: one label id. */
  labels?: number[] | number;
}

/** A row's PASTA vectors, [layers][slots * hidden] flattened per layer. */
export type PastaVectors = Float32Array[];

export interface BatchOptions {
  config: EncoderConfig;
  padTokenId: number;
  numSlots: number;
}

/** Position of each row's k-th special token, k < numSlots (-1 where the row has fewer). */
export function specialPositions(example: EncodedExample, numSlots: number): number[] {
  const positions: number[] = [];
  example.specialTokensMask.forEach((m, i) => {
    if (m === 1 && positions.length < numSlots) positions.push(i);
  });
  while (positions.length < numSlots) positions.push(-1);
  return positions;
}

/** Position ids as the family's embeddings compute them (RoBERTa counts from padding_idx + 1, skipping pads). */
export function positionIds(config: EncoderConfig, ids: number[], length: number, padTokenId: number): number[] {
  const out = new Array<number>(length);
  if (config.model_type === 'roberta' || config.model_type === 'xlm-roberta') {
    let count = 0;
    for (let i = 0; i < length; i++) {
      const isToken = i < ids.length && ids[i] !== padTokenId;
      if (isToken) count++;
      out[i] = isToken ? padTokenId + count : padTokenId;
    }
  } else for (let i = 0; i < length; i++) out[i] = i;
  return out;
}

const int64 = (values: number[], dims: number[]) =>
  new ort.Tensor(
    'int64',
    BigInt64Array.from(values, (v) => BigInt(v)),
    dims,
  );

export function batchFeeds(
  examples: EncodedExample[],
  vectorsPerRow: PastaVectors[],
  options: BatchOptions,
  task: 'token' | 'sequence',
): Record<string, ort.Tensor> {
  const { config, padTokenId, numSlots } = options;
  const batch = examples.length;
  const seq = Math.max(...examples.map((e) => e.inputIds.length));
  const ids: number[] = [];
  const mask: number[] = [];
  const types: number[] = [];
  const positions: number[] = [];
  const labels: number[] = [];
  const slotMask = new Float32Array(batch * seq * numSlots);
  examples.forEach((e, b) => {
    const n = e.inputIds.length;
    for (let i = 0; i < seq; i++) {
      ids.push(i < n ? e.inputIds[i] : padTokenId);
      mask.push(i < n ? 1 : 0);
      types.push(i < n ? (e.tokenTypeIds?.[i] ?? 0) : 0);
      if (task === 'token') labels.push(i < n && Array.isArray(e.labels) ? e.labels[i] : -100);
    }
    if (task === 'sequence') labels.push(typeof e.labels === 'number' ? e.labels : -100);
    positions.push(...positionIds(config, e.inputIds, seq, padTokenId));
    specialPositions(e, numSlots).forEach((pos, k) => {
      if (pos >= 0) slotMask[(b * seq + pos) * numSlots + k] = 1;
    });
  });
  const feeds: Record<string, ort.Tensor> = {
    [io.inputIds]: int64(ids, [batch, seq]),
    [io.attentionMask]: int64(mask, [batch, seq]),
    [io.positionIds]: int64(positions, [batch, seq]),
    [io.slotMask]: new ort.Tensor('float32', slotMask, [batch, seq, numSlots]),
  };
  if (config.type_vocab_size > 0) feeds[io.tokenTypeIds] = int64(types, [batch, seq]);
  if (examples.some((e) => e.labels !== undefined)) feeds[io.labels] = int64(labels, task === 'token' ? [batch, seq] : [batch]);
  const per = numSlots * config.hidden_size;
  for (let l = 0; l < config.num_hidden_layers; l++) {
    const data = new Float32Array(batch * per);
    vectorsPerRow.forEach((rows, b) => data.set(rows[l], b * per));
    feeds[io.pastaVectors(l)] = new ort.Tensor('float32', data, [batch, numSlots, config.hidden_size]);
  }
  return feeds;
}

/**
 * The feeds in the integer types the session's graph declares: graphs built for WebGPU take the attention
 * mask and the labels as int32 (it computes in 32 bits); batches are assembled as int64.
 */
export function conformFeeds(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>): Record<string, ort.Tensor> {
  for (const input of session.inputMetadata) {
    const feed = feeds[input.name];
    if (!input.isTensor || input.type !== 'int32' || !feed || feed.type !== 'int64') continue;
    feeds[input.name] = new ort.Tensor('int32', Int32Array.from(feed.data as BigInt64Array, Number), feed.dims);
  }
  return feeds;
}
