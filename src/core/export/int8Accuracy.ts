// `export-model --quantize int8`: what int8 costs in accuracy, measured before anything is written. The float32 and
// the int8 exports are both scored on the project's dev split (the split the adapter was chosen on) and the int8
// one is refused where it loses more F1 than the user allows.
import { join } from 'node:path';
import { ADAPTER_CONFIG_FILE, type LoadedAdapter } from '../adapter/index';
import { InputError } from '../data/types';
import type { Int8WeightBits } from '../graph/ops';
import { scoreExportedModel, type DevTask, type ExportedScores } from './exportEvaluation';

/** F1 points (of 100) int8 may lose on the dev split unless the user says otherwise. */
export const DEFAULT_MAX_F1_DROP = 1.0;

/** What a refused export can do instead: 8-bit weights lose less than 7-bit ones. */
const INSTEAD: Record<Int8WeightBits, string> = {
  7: 'export in fp32, allow a larger drop, or take the default 8-bit weights',
  8: 'export in fp32, or allow a larger drop',
};

export interface Int8Accuracy {
  /** entity micro-F1 (token task) or macro-F1 (sequence task), as `pasta eval` reports it */
  metric: 'entity micro-F1' | 'macro-F1';
  fp32: ExportedScores;
  int8: ExportedScores;
  /** Dev documents (token task) or records scored. */
  devDocuments: number;
  /** int8 F1 minus float32 F1, in points. */
  f1Change: number;
  maxF1Drop: number;
  /** The int8 model's weights: levels [-127, 127] (8) or [-64, 64] (7). */
  weightBits: Int8WeightBits;
}

export interface Int8AccuracyOptions {
  name: string;
  adapter: LoadedAdapter;
  fp32Model: Uint8Array;
  int8Model: Uint8Array;
  dev: DevTask;
  padTokenId: number;
  maxF1Drop?: number;
  weightBits: Int8WeightBits;
}

const points = (f1: number) => (100 * f1).toFixed(1);

/** One line with both scores and the change, for the CLI, the log and the refusal. */
export function describeInt8Accuracy(a: Int8Accuracy): string {
  const change = `${a.f1Change >= 0 ? '+' : ''}${a.f1Change.toFixed(2)}`;
  return `dev ${a.metric} fp32 ${points(a.fp32.scores.f1)}, int8 with ${a.weightBits}-bit weights ${points(a.int8.scores.f1)} (${change} points) on ${a.devDocuments} dev ${a.metric === 'macro-F1' ? 'records' : 'documents'}`;
}

export async function measureInt8Accuracy(options: Int8AccuracyOptions): Promise<Int8Accuracy> {
  const maxF1Drop = options.maxF1Drop ?? DEFAULT_MAX_F1_DROP;
  const fp32 = await scoreExportedModel(options.fp32Model, options.dev, options.padTokenId);
  const int8 = await scoreExportedModel(options.int8Model, options.dev, options.padTokenId);
  const accuracy: Int8Accuracy = {
    metric: options.dev.task.task === 'sequence' ? 'macro-F1' : 'entity micro-F1',
    fp32,
    int8,
    devDocuments: options.dev.documents,
    f1Change: 100 * (int8.scores.f1 - fp32.scores.f1),
    maxF1Drop,
    weightBits: options.weightBits,
  };
  if (-accuracy.f1Change > maxF1Drop) {
    throw new InputError(
      join(options.adapter.dir, ADAPTER_CONFIG_FILE),
      undefined,
      `adapter '${options.name}' in int8 loses more than --max-f1-drop ${maxF1Drop} points: ${describeInt8Accuracy(accuracy)}; nothing written (${INSTEAD[accuracy.weightBits]})`,
    );
  }
  return accuracy;
}
