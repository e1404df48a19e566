// What training an adapter from a workspace means once the data and the base model are ready, for either
// task: a runtime, a run fingerprint for checkpoints, the trainer, and the adapter saved atomically.
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Device } from '../engine/deviceNames';
import { adapterDir, createAdapterConfig, saveAdapter, type AdapterTensors } from '../adapter/index';
import type { AdapterTaskType } from '../adapter/adapterConfig';
import type { BaseModel, ResolveOptions } from '../project/baseModel';
import type { Tokenizer } from '../model/tokenizer/index';
import type { JsonValue } from '../util/jsonWithLines';
import type { Hyperparameters, Project } from '../project/projectFile';
import { PastaRuntime, type PastaParams } from '../pasta/runtime';
import type { DevScores, PreparedTask } from '../pasta/tasks';
import { train } from './trainer';
import type { TrainingEvent } from './trainingEvents';

/** A single text carries two special tokens ([CLS] ... [SEP], <s> ... </s>): one PASTA slot each. */
export const SINGLE_TEXT_SLOTS = 2;

/**
 * The special tokens of a sentence pair as the tokenizer's own post-processor lays them out, one PASTA slot each:
 * ["[CLS]", "[SEP]", "[SEP]"] for BERT-likes, ["<s>", "</s>", "</s>", "</s>"] for RoBERTa-likes.
 */
export function pairSlotTokens(tokenizer: Tokenizer): string[] {
  const e = tokenizer.encode('', '');
  const tokens = e.tokens.filter((_, i) => e.specialTokensMask[i] === 1);
  if (tokens.length === 0)
    throw new Error(`the tokenizer of ${tokenizer.source} adds no special tokens around a sentence pair, and PASTA's vectors sit on them`);
  return tokens;
}

export interface WorkspaceTrainOptions {
  workspaceRoot: string;
  adapterName: string;
  /** Overrides of project.json's hyperparameters (CLI flags, extension settings). */
  overrides?: Partial<Hyperparameters>;
  resume?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: TrainingEvent | { type: 'info'; message: string }) => void;
  download?: ResolveOptions;
}

export interface WorkspaceTrainResult {
  adapterDir?: string;
  /** The saved adapter's vectors and head (best epoch), in memory; absent when cancelled. */
  params?: PastaParams;
  best?: DevScores;
  bestEpoch: number;
  cancelled: boolean;
  device: Device | undefined;
  project: Project;
}

export interface TrainingJob {
  options: WorkspaceTrainOptions;
  project: Project;
  hyperparameters: Hyperparameters;
  base: BaseModel;
  task: PreparedTask;
  adapterTask: AdapterTaskType;
  /** Entity types (TOKEN_CLS) or classes (SEQ_CLS), in class order. */
  labels: string[];
  dataFingerprint: string;
  /** adapter_config.json's metrics for the best dev scores. */
  metrics: (best: DevScores | undefined) => { [key: string]: JsonValue };
  /** The special token of each PASTA slot; default: a single text's [CLS] and [SEP] (or <s> and </s>). */
  specialTokenSlots?: string[];
  /** SEQ_CLS on sentence pairs: recorded in adapter_config.json (text_pair). */
  textPair?: boolean;
}

export function checkpointDir(workspaceRoot: string, adapterName: string): string {
  return join(workspaceRoot, '.pasta', 'checkpoints', adapterName);
}

export function toAdapterTensors(base: BaseModel, params: PastaParams, numSlots: number, numLabels: number): AdapterTensors {
  const { num_hidden_layers: L, hidden_size: H } = base.config;
  const vectors = new Float32Array(L * numSlots * H);
  params.vectors.forEach((v, l) => vectors.set(v, l * numSlots * H));
  return {
    pasta_vectors: { shape: [L, numSlots, H], data: vectors },
    'classifier.weight': { shape: [numLabels, H], data: params.classifierWeight },
    'classifier.bias': { shape: [numLabels], data: params.classifierBias },
  };
}

/** The special tokens a single text's slots stand for, as the tokenizer spells them (e.g. ["[CLS]", "[SEP]"]). */
export function singleTextSlotTokens(base: BaseModel): string[] {
  const s = base.tokenizer.specialTokens;
  return [s.cls ?? s.bos, s.sep ?? s.eos].map((id) => (id === undefined ? '' : (base.tokenizer.idToToken(id) ?? String(id))));
}

export async function runTrainingJob(job: TrainingJob): Promise<WorkspaceTrainResult> {
  const { options, project, base, task, hyperparameters: hp } = job;
  const slots = job.specialTokenSlots ?? singleTextSlotTokens(base);
  const runtime = new PastaRuntime({
    config: base.config,
    weights: base.weights,
    task: task.task,
    numLabels: task.id2label.length,
    numSlots: slots.length,
    padTokenId: base.tokenizer.specialTokens.pad,
    device: hp.device,
    threads: hp.threads > 0 ? hp.threads : undefined,
    precision: hp.precision,
    encoderDropout: hp.dropout === 'all',
    // The base model was loaded for this job alone: once the sessions hold the weights, JavaScript need not.
    releaseWeightsAfterWarmUp: true,
  });
  // A checkpoint is resumed only by a run over the same data, base, labels and settings; where it runs (device,
  // threads) is not part of them, so a run stopped by a failing GPU continues on the CPU.
  const { device: _device, threads: _threads, ...settings } = hp;
  const runFingerprint = createHash('sha256')
    .update(JSON.stringify([task.task, job.dataFingerprint, base.fingerprint.sha256, job.labels, settings]))
    .digest('hex');
  const checkpoints = checkpointDir(options.workspaceRoot, options.adapterName);
  try {
    const result = await train({
      runtime,
      task,
      hyperparameters: hp,
      checkpointDir: checkpoints,
      resume: options.resume,
      runFingerprint,
      signal: options.signal,
      onEvent: options.onEvent,
    });
    const outcome = { best: result.best, bestEpoch: result.bestEpoch, device: runtime.device, project };
    if (result.cancelled) return { ...outcome, cancelled: true };
    const config = createAdapterConfig({
      task: job.adapterTask,
      baseModel: project.baseModel,
      fingerprint: base.fingerprint,
      specialTokenSlots: slots,
      textPair: job.textPair,
      labels: job.labels,
      trainingDataFingerprint: job.dataFingerprint,
      metrics: {
        ...job.metrics(result.best),
        best_epoch: result.bestEpoch,
        epochs_run: result.history.length,
        device: runtime.device ?? 'cpu',
        precision: runtime.precision?.used ?? 'fp32',
        // 7 where this CPU's integer kernel saturates 8-bit weights (engine/int8Kernel.ts).
        ...(runtime.precision?.int8WeightBits ? { int8_weight_bits: runtime.precision.int8WeightBits } : {}),
      },
      hyperparameters: { ...hp },
    });
    const dir = adapterDir(options.workspaceRoot, options.adapterName);
    await saveAdapter(dir, config, toAdapterTensors(base, result.params, slots.length, task.id2label.length));
    await rm(checkpoints, { recursive: true, force: true });
    return { ...outcome, adapterDir: dir, params: result.params, cancelled: false };
  } finally {
    await runtime.release();
  }
}
