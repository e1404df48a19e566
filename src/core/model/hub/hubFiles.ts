// Which files of a hub repository an encoder needs: config, tokenizer, and safetensors weights, else pytorch_model.bin
// (microsoft/deberta-v3-* publish no other; it is read without running its pickle, see model/torch/).
import { SENTENCEPIECE_MODEL_FILES } from '../tokenizer/files.js';
import { HubError } from './hubError.js';

export const CONFIG_FILE = 'config.json';
export const SAFETENSORS_FILE = 'model.safetensors';
export const SAFETENSORS_INDEX_FILE = 'model.safetensors.index.json';
export const PYTORCH_FILE = 'pytorch_model.bin';

/** Tokenizer files of the WordPiece (BERT) and byte-level BPE / SentencePiece (RoBERTa, XLM-R, DeBERTa-v3) families. */
export const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'vocab.txt',
  'vocab.json',
  'merges.txt',
  // Fetched only where there is no tokenizer.json (microsoft/deberta-v3-*): the tokenizer is then built from the model.
  ...SENTENCEPIECE_MODEL_FILES,
];

export type WeightsPlan = { kind: 'single'; file: string } | { kind: 'sharded'; index: string };

export interface EncoderFilePlan {
  /** config.json and the tokenizer files the repository has, downloaded before the weights. */
  files: string[];
  weights: WeightsPlan;
}

/** Chooses the files to download from the repository's file list (siblings[].rfilename). */
export function planEncoderFiles(repoLabel: string, siblings: readonly string[]): EncoderFilePlan {
  const present = new Set(siblings);
  if (!present.has(CONFIG_FILE)) {
    throw new HubError('unsupported', `${repoLabel} has no config.json: it is not a transformers model repository`);
  }
  const wanted = (name: string) => present.has(name) && !(SENTENCEPIECE_MODEL_FILES.includes(name) && present.has('tokenizer.json'));
  const files = [CONFIG_FILE, ...TOKENIZER_FILES.filter(wanted)];
  if (present.has(SAFETENSORS_FILE)) return { files, weights: { kind: 'single', file: SAFETENSORS_FILE } };
  if (present.has(SAFETENSORS_INDEX_FILE)) return { files, weights: { kind: 'sharded', index: SAFETENSORS_INDEX_FILE } };
  if (present.has(PYTORCH_FILE)) return { files, weights: { kind: 'single', file: PYTORCH_FILE } };
  if (siblings.some((name) => /^pytorch_model.*\.bin(\.index\.json)?$/.test(name))) {
    throw new HubError(
      'unsupported',
      `${repoLabel} has only sharded pytorch_model-*.bin weights, which PASTA Studio does not read: choose a revision that has model.safetensors or a single pytorch_model.bin`,
    );
  }
  throw new HubError('unsupported', `${repoLabel} has no model.safetensors weights`);
}

const SHARD_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.safetensors$/;

/** The shard files a model.safetensors.index.json names, each checked to be a plain file of the repository. */
export function shardsOfIndex(repoLabel: string, indexText: string, siblings: readonly string[]): string[] {
  let weightMap: unknown;
  try {
    weightMap = (JSON.parse(indexText) as { weight_map?: unknown }).weight_map;
  } catch (error) {
    throw new HubError('protocol', `${repoLabel}: ${SAFETENSORS_INDEX_FILE} is not valid JSON (${(error as Error).message})`);
  }
  if (typeof weightMap !== 'object' || weightMap === null) {
    throw new HubError('protocol', `${repoLabel}: ${SAFETENSORS_INDEX_FILE} has no weight_map object`);
  }
  const present = new Set(siblings);
  const shards = [...new Set(Object.values(weightMap as Record<string, unknown>))];
  for (const shard of shards) {
    if (typeof shard !== 'string' || !SHARD_NAME.test(shard)) {
      throw new HubError('protocol', `${repoLabel}: ${SAFETENSORS_INDEX_FILE} names an invalid shard file ${JSON.stringify(shard)}`);
    }
    if (!present.has(shard)) {
      throw new HubError('protocol', `${repoLabel}: ${SAFETENSORS_INDEX_FILE} names ${shard}, which the repository does not have`);
    }
  }
  if (shards.length === 0) throw new HubError('protocol', `${repoLabel}: ${SAFETENSORS_INDEX_FILE} names no shards`);
  return (shards as string[]).sort();
}
