// Train a SEQ_CLS PASTA adapter from a "sequence" project: JSONL {"text", "label"} records, the pooled [CLS]
// output through the checkpoint's pooler and a linear head, the epoch chosen on dev macro-F1.
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { adapterDir, checkAdapterName, saveAdapter } from './adapter';
import type { AdapterConfig } from './adapterConfig';
import { loadBaseModel } from './baseModel';
import { loadClassificationData } from './classificationData';
import type { JsonValue } from './jsonWithLines';
import type { Hyperparameters, Project } from './projectFile';
import { PastaRuntime } from './runtime';
import { prepareSequenceTask, type DevScores } from './tasks';
import { train } from './trainer';
import {
  checkpointDir,
  PASTA_STUDIO_VERSION,
  toAdapterTensors,
  type WorkspaceTrainOptions,
  type WorkspaceTrainResult,
} from './workspaceTraining';

/** A single text carries the same two special tokens as a token-task window ([CLS] ... [SEP]). */
export const SEQUENCE_TASK_SLOTS = 2;

/** adapter_config.json metrics of a SEQ_CLS adapter: accuracy, macro averages and per-label scores on dev. */
export function sequenceMetricsJson(best: DevScores | undefined): { [key: string]: JsonValue } {
  if (!best) return {};
  const dev = { accuracy: best.accuracy ?? 0, macro_f1: best.f1, macro: { precision: best.precision, recall: best.recall, f1: best.f1 }, ...best.perLabel };
  return { dev: JSON.parse(JSON.stringify(dev)) };
}

export async function trainSequenceAdapter(options: WorkspaceTrainOptions, project: Project, hp: Hyperparameters): Promise<WorkspaceTrainResult> {
  const { workspaceRoot, adapterName } = options;
  const say = (message: string) => options.onEvent?.({ type: 'info', message });
  checkAdapterName(adapterName, 'the adapter name');

  const data = await loadClassificationData(workspaceRoot, project);
  for (const w of data.warnings) say(`warning: ${w.message}`);
  say(`data: ${data.train.length} training and ${data.dev.length} dev texts; classes ${data.labels.join(', ')} (from the ${data.labelSource === 'project' ? 'project labels' : 'data'})`);
  const base = await loadBaseModel(project.baseModel, workspaceRoot, options.download);
  say(`base model: ${project.baseModel} (${base.config.model_type}, ${base.config.num_hidden_layers} layers x ${base.config.hidden_size})`);

  const task = prepareSequenceTask(base.tokenizer, data.labels, data.train, data.dev, hp.maxLength);
  const runtime = new PastaRuntime({
    config: base.config,
    weights: base.weights,
    task: 'sequence',
    numLabels: data.labels.length,
    numSlots: SEQUENCE_TASK_SLOTS,
    padTokenId: base.tokenizer.specialTokens.pad,
    device: hp.device,
    threads: hp.threads > 0 ? hp.threads : undefined,
  });
  const runFingerprint = createHash('sha256')
    .update(JSON.stringify(['sequence', data.fingerprint, base.fingerprint.sha256, data.labels, hp]))
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
    const specials = base.tokenizer.specialTokens;
    const slotTokens = [specials.cls ?? specials.bos, specials.sep ?? specials.eos];
    const config: AdapterConfig = {
      peft_type: 'PASTA',
      task_type: 'SEQ_CLS',
      base_model_name_or_path: project.baseModel,
      base_model_fingerprint: base.fingerprint,
      num_special_token_slots: SEQUENCE_TASK_SLOTS,
      special_token_slots: slotTokens.map((id) => (id === undefined ? '' : (base.tokenizer.idToToken(id) ?? String(id)))),
      num_layers: base.config.num_hidden_layers,
      hidden_size: base.config.hidden_size,
      id2label: Object.fromEntries(data.labels.map((l, i) => [String(i), l])),
      label2id: Object.fromEntries(data.labels.map((l, i) => [l, i])),
      training_data_fingerprint: data.fingerprint,
      metrics: { ...sequenceMetricsJson(result.best), best_epoch: result.bestEpoch, epochs_run: result.history.length },
      hyperparameters: { ...hp },
      created: new Date().toISOString(),
      pasta_studio_version: PASTA_STUDIO_VERSION,
    };
    const dir = adapterDir(workspaceRoot, adapterName);
    await saveAdapter(dir, config, toAdapterTensors(base, result.params, SEQUENCE_TASK_SLOTS, data.labels.length));
    await rm(checkpoints, { recursive: true, force: true });
    return { adapterDir: dir, best: result.best, bestEpoch: result.bestEpoch, cancelled: false, device: runtime.device, project };
  } finally {
    await runtime.release();
  }
}
