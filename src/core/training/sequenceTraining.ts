// Train a SEQ_CLS PASTA adapter from a "sequence" project: JSONL {"text", "label"} records or sentence pairs
// ({"text", "text_pair", "label"}), the pooled [CLS] output through the checkpoint's pooler and a linear head, the
// epoch chosen on dev macro-F1. Pairs get one PASTA slot per special token of the tokenizer's pair encoding.
import { checkAdapterName } from '../adapter/index';
import { loadBaseModel } from '../project/baseModel';
import { loadClassificationData } from '../project/classificationData';
import type { JsonValue } from '../util/jsonWithLines';
import type { Hyperparameters, ProjectFileContents } from '../project/projectFile';
import { fitProjectMaxLength } from '../project/maxLength';
import { prepareSequenceTask, type DevScores } from '../pasta/tasks';
import { pairSlotTokens, runTrainingJob, SINGLE_TEXT_SLOTS, type WorkspaceTrainOptions, type WorkspaceTrainResult } from './trainingRun';

/** A single text carries the same two special tokens as a token-task window ([CLS] ... [SEP]). */
export const SEQUENCE_TASK_SLOTS = SINGLE_TEXT_SLOTS;

/** adapter_config.json metrics of a SEQ_CLS adapter: accuracy, macro averages and per-label scores on dev. */
export function sequenceMetricsJson(best: DevScores | undefined): { [key: string]: JsonValue } {
  if (!best) return {};
  const dev = { accuracy: best.accuracy ?? 0, macro_f1: best.f1, macro: { precision: best.precision, recall: best.recall, f1: best.f1 }, ...best.perLabel };
  return { dev: JSON.parse(JSON.stringify(dev)) };
}

export async function trainSequenceAdapter(options: WorkspaceTrainOptions, contents: ProjectFileContents, hp: Hyperparameters): Promise<WorkspaceTrainResult> {
  const { workspaceRoot, adapterName } = options;
  const { project } = contents;
  const say = (message: string) => options.onEvent?.({ type: 'info', message });
  checkAdapterName(adapterName, 'the adapter name');

  const data = await loadClassificationData(workspaceRoot, project);
  for (const w of data.warnings) say(`warning: ${w.message}`);
  const what = data.pairs ? 'sentence pairs' : 'texts';
  say(
    `data: ${data.train.length} training and ${data.dev.length} dev ${what}; classes ${data.labels.join(', ')} (from the ${data.labelSource === 'project' ? 'project labels' : 'data'})`,
  );
  const base = await loadBaseModel(project.baseModel, workspaceRoot, options.download);
  say(`base model: ${project.baseModel} (${base.config.model_type}, ${base.config.num_hidden_layers} layers x ${base.config.hidden_size})`);
  const fitted = await fitProjectMaxLength(base, contents, hp, options.overrides?.maxLength === undefined ? undefined : '--max-length');
  if (fitted.note) say(fitted.note);
  hp = { ...hp, maxLength: fitted.maxLength, stride: fitted.stride };

  const specialTokenSlots = data.pairs ? pairSlotTokens(base.tokenizer) : undefined;
  if (specialTokenSlots) say(`sentence pairs: ${specialTokenSlots.length} PASTA slots (${specialTokenSlots.join(' ')})`);
  const task = prepareSequenceTask(base.tokenizer, data.labels, data.train, data.dev, hp.maxLength);
  return runTrainingJob({
    specialTokenSlots,
    textPair: data.pairs,
    options,
    project,
    hyperparameters: hp,
    base,
    task,
    adapterTask: 'SEQ_CLS',
    labels: data.labels,
    dataFingerprint: data.fingerprint,
    metrics: sequenceMetricsJson,
  });
}
