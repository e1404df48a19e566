// Train a PASTA adapter from a workspace, end to end: project.json, base model, data, training, and the
// adapter written into .pasta/adapters/<name>. The CLI and the extension's training worker both call this.
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Device } from '../engine/device';
import { adapterDir, checkAdapterName, saveAdapter } from './adapter';
import type { AdapterConfig } from './adapterConfig';
import { loadBaseModel, type BaseModel, type ResolveOptions } from './baseModel';
import type { JsonValue } from './jsonWithLines';
import { readProjectFile, type Hyperparameters, type Project } from './projectFile';
import { PastaRuntime, type PastaParams } from './runtime';
import { trainSequenceAdapter } from './sequenceTraining';
import { prepareTokenTask, type DevScores } from './tasks';
import { train, type TrainingEvent } from './trainer';
import { loadWorkspaceData } from './workspaceData';

export const PASTA_STUDIO_VERSION = '0.1.0';
/** Single sentences carry two special tokens ([CLS] ... [SEP]): one PASTA slot each. */
export const TOKEN_TASK_SLOTS = 2;

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
  best?: DevScores;
  bestEpoch: number;
  cancelled: boolean;
  device: Device | undefined;
  project: Project;
}

export function checkpointDir(workspaceRoot: string, adapterName: string): string {
  return join(workspaceRoot, '.pasta', 'checkpoints', adapterName);
}

export function toAdapterTensors(base: BaseModel, params: PastaParams, numSlots: number, numLabels: number) {
  const { num_hidden_layers: L, hidden_size: H } = base.config;
  const vectors = new Float32Array(L * numSlots * H);
  params.vectors.forEach((v, l) => vectors.set(v, l * numSlots * H));
  return {
    pasta_vectors: { shape: [L, numSlots, H], data: vectors },
    'classifier.weight': { shape: [numLabels, H], data: params.classifierWeight },
    'classifier.bias': { shape: [numLabels], data: params.classifierBias },
  };
}

function metricsJson(best: DevScores | undefined): { [key: string]: JsonValue } {
  if (!best) return {};
  return { dev: JSON.parse(JSON.stringify({ overall: { precision: best.precision, recall: best.recall, f1: best.f1 }, ...best.perLabel })) };
}

export async function trainWorkspaceAdapter(options: WorkspaceTrainOptions): Promise<WorkspaceTrainResult> {
  const { workspaceRoot, adapterName } = options;
  const say = (message: string) => options.onEvent?.({ type: 'info', message });
  checkAdapterName(adapterName, 'the adapter name');
  const { project } = await readProjectFile(workspaceRoot);
  const hp = { ...project.hyperparameters, ...options.overrides };
  if (project.task === 'sequence') return trainSequenceAdapter(options, project, hp);

  const data = await loadWorkspaceData(workspaceRoot, project);
  for (const w of data.warnings) say(`warning: ${w.message}`);
  say(`data: ${data.train.length} training and ${data.dev.length} dev paragraphs`);
  const base = await loadBaseModel(project.baseModel, workspaceRoot, options.download);
  say(`base model: ${project.baseModel} (${base.config.model_type}, ${base.config.num_hidden_layers} layers x ${base.config.hidden_size})`);

  const labels = project.labels.map((l) => l.name);
  const task = prepareTokenTask(base.tokenizer, labels, data.train, data.dev, { maxLength: hp.maxLength, stride: hp.stride, wordSplit: 'tokenizer' });
  for (const p of task.problems.slice(0, 5)) say(`warning: ${p.docId}: span "${p.text}" (${p.span.label}) does not fall on word boundaries; it was widened to whole words`);
  const runtime = new PastaRuntime({
    config: base.config,
    weights: base.weights,
    task: 'token',
    numLabels: task.id2label.length,
    numSlots: TOKEN_TASK_SLOTS,
    padTokenId: base.tokenizer.specialTokens.pad,
    device: hp.device,
    threads: hp.threads > 0 ? hp.threads : undefined,
  });
  const runFingerprint = createHash('sha256')
    .update(JSON.stringify([data.fingerprint, base.fingerprint.sha256, labels, hp]))
    .digest('hex');
  const checkpoints = checkpointDir(workspaceRoot, adapterName);
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
    if (result.cancelled) return { bestEpoch: result.bestEpoch, best: result.best, cancelled: true, device: runtime.device, project };
    const slotTokens = [base.tokenizer.specialTokens.cls ?? base.tokenizer.specialTokens.bos, base.tokenizer.specialTokens.sep ?? base.tokenizer.specialTokens.eos];
    const config: AdapterConfig = {
      peft_type: 'PASTA',
      task_type: 'TOKEN_CLS',
      base_model_name_or_path: project.baseModel,
      base_model_fingerprint: base.fingerprint,
      num_special_token_slots: TOKEN_TASK_SLOTS,
      special_token_slots: slotTokens.map((id) => (id === undefined ? '' : (base.tokenizer.idToToken(id) ?? String(id)))),
      num_layers: base.config.num_hidden_layers,
      hidden_size: base.config.hidden_size,
      id2label: Object.fromEntries(task.id2label.map((l, i) => [String(i), l])),
      label2id: Object.fromEntries(task.id2label.map((l, i) => [l, i])),
      label_scheme: 'IOB2',
      training_data_fingerprint: data.fingerprint,
      metrics: { ...metricsJson(result.best), best_epoch: result.bestEpoch, epochs_run: result.history.length },
      hyperparameters: { ...hp },
      created: new Date().toISOString(),
      pasta_studio_version: PASTA_STUDIO_VERSION,
    };
    const dir = adapterDir(workspaceRoot, adapterName);
    await saveAdapter(dir, config, toAdapterTensors(base, result.params, TOKEN_TASK_SLOTS, task.id2label.length));
    await rm(checkpoints, { recursive: true, force: true });
    return { adapterDir: dir, best: result.best, bestEpoch: result.bestEpoch, cancelled: false, device: runtime.device, project };
  } finally {
    await runtime.release();
  }
}
