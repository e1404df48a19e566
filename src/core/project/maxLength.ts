// The longest row (maxLength, in tokens) a base model can take, and project.json's maxLength held to it: a row
// longer than the model's positions reads past a position table, which onnxruntime reports as a Gather index
// error in the middle of a run. A value the user chose is refused in one line; the default is lowered and said.
import { readFile } from 'node:fs/promises';
import { InputError } from '../data/types';
import { parseJsonWithLines } from '../util/jsonWithLines';
import type { BaseModel } from './baseModel';
import type { Hyperparameters, ProjectFileContents } from './projectFile';

/**
 * Learned absolute positions hold max_position_embeddings rows; RoBERTa and XLM-R count theirs from
 * padding_idx + 1, so pad + 1 of them are never a token's. DeBERTa-v2/v3 build relative positions from the
 * sequence length in transformers, but the engine reads them from a [P, P] table (P = max_position_embeddings);
 * ModernBERT's rotary positions have no table on the CPU, but were trained up to max_position_embeddings and
 * the WebGPU graph reads float positions from a table that long.
 */
export function maxTokensPerRow(base: Pick<BaseModel, 'config' | 'tokenizer'>): number {
  const { model_type: family, max_position_embeddings: positions } = base.config;
  if (family === 'roberta' || family === 'xlm-roberta') return positions - base.tokenizer.specialTokens.pad - 1;
  return positions;
}

/** Where a maxLength came from: a flag, project.json's field (chosen), or the default. */
export type MaxLengthSource = { flag: string } | { file: string; chosen: boolean };

export interface FittedLength {
  maxLength: number;
  stride: number;
  /** Said when the default was lowered to the model's limit. */
  note?: string;
}

/**
 * maxLength and stride within the base model's limit. A chosen maxLength over it is refused naming the file, line,
 * field, value and limit; the default is lowered to the limit (and a default stride with it, to a quarter).
 */
export async function fitMaxLength(base: BaseModel, hp: Pick<Hyperparameters, 'maxLength' | 'stride'>, source: MaxLengthSource): Promise<FittedLength> {
  const limit = maxTokensPerRow(base);
  const { maxLength, stride } = hp;
  if (maxLength <= limit) return { maxLength, stride };
  const why = `the base model ${base.name} (${base.config.model_type}, max_position_embeddings ${base.config.max_position_embeddings}) holds at most ${limit} tokens a row`;
  if ('flag' in source) throw new InputError(source.flag, undefined, `maxLength ${maxLength} is more than ${why}`);
  if (source.chosen) {
    const line = await fieldLine(source.file, ['hyperparameters', 'maxLength']);
    throw new InputError(source.file, line, `hyperparameters.maxLength is ${maxLength}, more than ${why}`);
  }
  const fitted = stride < limit ? stride : Math.floor(limit / 4);
  return {
    maxLength: limit,
    stride: fitted,
    note: `maxLength: the default ${maxLength} is more than ${why}: rows of ${limit} tokens${fitted === stride ? '' : ` (stride ${fitted})`} (hyperparameters.maxLength in project.json sets it)`,
  };
}

/** fitMaxLength for project.json's hyperparameters and an optional override of maxLength from a flag. */
export async function fitProjectMaxLength(
  base: BaseModel,
  contents: Pick<ProjectFileContents, 'file' | 'raw'>,
  hp: Pick<Hyperparameters, 'maxLength' | 'stride'>,
  flag?: string,
): Promise<FittedLength> {
  if (flag !== undefined && hp.stride >= hp.maxLength)
    throw new InputError(flag, undefined, `maxLength ${hp.maxLength} must be more than stride (${hp.stride})`);
  const written = contents.raw.hyperparameters as Record<string, unknown> | undefined;
  const chosen = written?.maxLength !== undefined;
  return fitMaxLength(base, hp, flag !== undefined ? { flag } : { file: contents.file, chosen });
}

async function fieldLine(file: string, path: string[]): Promise<number | undefined> {
  try {
    return parseJsonWithLines(await readFile(file, 'utf8'), file).lineOf(path);
  } catch {
    return undefined;
  }
}
