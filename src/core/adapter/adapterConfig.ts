// adapter_config.json: what a PASTA adapter was trained for and on. Field names follow PEFT's adapter_config.json
// (peft_type, task_type, base_model_name_or_path) and transformers' config.json (id2label, label2id, hidden_size)
// so that people who know those files can read ours.
import type { BaseModelFingerprint, ShapeSignature } from '../model/fingerprint.js';
import type { Float32Tensor } from '../model/types.js';
import { InputError } from '../data/types.js';
import { formatJsonPath, parseJsonWithLines, type JsonPath, type JsonValue, type JsonWithLines } from '../util/jsonWithLines.js';
import { isObject } from '../util/isObject.js';
import { SUPPORTED_MODEL_TYPES } from '../model/config.js';
import { version } from '../../../package.json';

/** Written into every adapter (pasta_studio_version). */
export const PASTA_STUDIO_VERSION: string = version;

export type AdapterTaskType = 'TOKEN_CLS' | 'SEQ_CLS';

export interface AdapterConfig {
  peft_type: 'PASTA';
  task_type: AdapterTaskType;
  /** The base model as the user named it: a local folder or a hub id. */
  base_model_name_or_path: string;
  base_model_fingerprint: BaseModelFingerprint;
  num_special_token_slots: number;
  /** The special token of each slot, in order, e.g. ["[CLS]", "[SEP]"]. */
  special_token_slots: string[];
  /**
   * SEQ_CLS adapters trained on sentence pairs (Hugging Face's text/text_pair): true, and the slots are those of
   * a pair encoding ([CLS] a [SEP] b [SEP]: 3; <s> a </s></s> b </s>: 4). Absent for single texts.
   */
  text_pair?: true;
  num_layers: number;
  hidden_size: number;
  /** Class index (as a string, like transformers' config.json) -> label; for TOKEN_CLS the IOB2 tags. */
  id2label: Record<string, string>;
  label2id: Record<string, number>;
  /** Present for TOKEN_CLS only. */
  label_scheme?: 'IOB2';
  /** "sha256:<hex>" of the training data. */
  training_data_fingerprint: string;
  /** Free-form, e.g. {"dev": {"overall": {...}, "person": {"precision": ..., "recall": ..., "f1": ...}}}. */
  metrics: { [key: string]: JsonValue };
  hyperparameters: { [key: string]: JsonValue };
  /** ISO 8601 time of saving. */
  created: string;
  pasta_studio_version: string;
}

/** The adapter's tensors by their names in adapter_model.safetensors. */
export interface AdapterTensors {
  /** [num_layers, num_special_token_slots, hidden_size] */
  pasta_vectors: Float32Tensor;
  /** [num_labels, hidden_size] */
  'classifier.weight': Float32Tensor;
  /** [num_labels] */
  'classifier.bias': Float32Tensor;
}

export type AdapterTensorName = keyof AdapterTensors;

export const ADAPTER_TENSOR_NAMES: readonly AdapterTensorName[] = ['pasta_vectors', 'classifier.weight', 'classifier.bias'];

export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';

const SHA256 = /^sha256:[0-9a-f]{64}$/;
const MODEL_TYPES: readonly string[] = SUPPORTED_MODEL_TYPES;

export function numLabels(config: AdapterConfig): number {
  return Object.keys(config.id2label).length;
}

export function expectedTensorShapes(config: AdapterConfig): Record<AdapterTensorName, number[]> {
  const labels = numLabels(config);
  return {
    pasta_vectors: [config.num_layers, config.num_special_token_slots, config.hidden_size],
    'classifier.weight': [labels, config.hidden_size],
    'classifier.bias': [labels],
  };
}

/** The labels in class order. */
export function labelsInOrder(config: AdapterConfig): string[] {
  return Object.keys(config.id2label)
    .map(Number)
    .sort((a, b) => a - b)
    .map((id) => config.id2label[String(id)]);
}

/** Entity types of a TOKEN_CLS adapter ("person" for B-person/I-person), the classes of a SEQ_CLS one. */
export function adapterLabels(config: AdapterConfig): string[] {
  const labels = labelsInOrder(config);
  if (config.task_type === 'SEQ_CLS') return labels;
  return [...new Set(labels.filter((tag) => tag !== 'O').map((tag) => tag.slice(2)))];
}

/**
 * id2label and label2id for a task: TOKEN_CLS gets "O" then B-/I- of each entity type in the given order,
 * SEQ_CLS the classes as given.
 */
export function labelMaps(task: AdapterTaskType, labels: readonly string[]): Pick<AdapterConfig, 'id2label' | 'label2id'> {
  const classes = task === 'TOKEN_CLS' ? ['O', ...labels.flatMap((label) => [`B-${label}`, `I-${label}`])] : [...labels];
  const id2label: Record<string, string> = {};
  const label2id: Record<string, number> = {};
  classes.forEach((label, id) => {
    id2label[String(id)] = label;
    label2id[label] = id;
  });
  return { id2label, label2id };
}

export interface NewAdapterConfig {
  task: AdapterTaskType;
  baseModel: string;
  fingerprint: BaseModelFingerprint;
  /** The special token of each slot, e.g. ["[CLS]", "[SEP]"]. */
  specialTokenSlots: string[];
  /** SEQ_CLS on sentence pairs. */
  textPair?: boolean;
  /** Entity types (TOKEN_CLS: expanded to O, B-x, I-x) or classes (SEQ_CLS), in class order. */
  labels: readonly string[];
  /** "sha256:<hex>" */
  trainingDataFingerprint: string;
  metrics?: { [key: string]: JsonValue };
  hyperparameters?: { [key: string]: JsonValue };
  /** Defaults to now. */
  created?: Date;
}

/** A complete, checked config: shapes from the base's signature, label maps from the labels. */
export function createAdapterConfig(options: NewAdapterConfig): AdapterConfig {
  const { signature } = options.fingerprint;
  const config: AdapterConfig = {
    peft_type: 'PASTA',
    task_type: options.task,
    base_model_name_or_path: options.baseModel,
    base_model_fingerprint: { sha256: options.fingerprint.sha256, signature: { ...signature } },
    num_special_token_slots: options.specialTokenSlots.length,
    special_token_slots: [...options.specialTokenSlots],
    ...(options.textPair ? { text_pair: true as const } : {}),
    num_layers: signature.num_hidden_layers,
    hidden_size: signature.hidden_size,
    ...labelMaps(options.task, options.labels),
    ...(options.task === 'TOKEN_CLS' ? { label_scheme: 'IOB2' as const } : {}),
    training_data_fingerprint: options.trainingDataFingerprint,
    metrics: options.metrics ?? {},
    hyperparameters: options.hyperparameters ?? {},
    created: (options.created ?? new Date()).toISOString(),
    pasta_studio_version: PASTA_STUDIO_VERSION,
  };
  return checkAdapterConfig(config, ADAPTER_CONFIG_FILE);
}

/** Parses adapter_config.json text; every problem is one line naming `file`, the line and the field. */
export function parseAdapterConfig(text: string, file: string): AdapterConfig {
  const json = parseJsonWithLines(text, file);
  return checkAdapterConfig(json.value, file, json);
}

/** Checks a value (parsed, or about to be saved) against the adapter_config.json rules. */
export function checkAdapterConfig(value: unknown, file: string, json?: JsonWithLines): AdapterConfig {
  const fail = (path: JsonPath, problem: string): never => {
    throw new InputError(file, json?.lineOf(path), `${formatJsonPath(path)} ${problem}`);
  };
  if (!isObject(value)) return fail([], 'must be a JSON object');
  const config = value as Record<string, unknown>;
  const string = (key: string): string => {
    const v = config[key];
    if (typeof v !== 'string' || v.length === 0) fail([key], v === undefined ? 'is missing' : 'must be a non-empty string');
    return v as string;
  };
  const positiveInteger = (path: JsonPath, v: unknown): number => {
    if (v === undefined) fail(path, 'is missing');
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) fail(path, `must be a positive integer, found ${JSON.stringify(v)}`);
    return v as number;
  };
  const object = (key: string): Record<string, unknown> => {
    const v = config[key];
    if (!isObject(v)) fail([key], v === undefined ? 'is missing' : 'must be a JSON object');
    return v as Record<string, unknown>;
  };

  if (config.peft_type !== 'PASTA') fail(['peft_type'], `must be "PASTA", found ${JSON.stringify(config.peft_type) ?? 'nothing'}`);
  const task = config.task_type;
  if (task !== 'TOKEN_CLS' && task !== 'SEQ_CLS') fail(['task_type'], `must be "TOKEN_CLS" or "SEQ_CLS", found ${JSON.stringify(task) ?? 'nothing'}`);
  string('base_model_name_or_path');

  const fingerprint = object('base_model_fingerprint');
  if (typeof fingerprint.sha256 !== 'string' || !SHA256.test(fingerprint.sha256)) {
    fail(['base_model_fingerprint', 'sha256'], 'must be "sha256:" and 64 lowercase hex digits');
  }
  if (!isObject(fingerprint.signature)) fail(['base_model_fingerprint', 'signature'], 'must be a JSON object');
  const signature = fingerprint.signature as Record<string, unknown>;
  if (typeof signature.model_type !== 'string' || !MODEL_TYPES.includes(signature.model_type)) {
    fail(['base_model_fingerprint', 'signature', 'model_type'], `must be one of ${MODEL_TYPES.join(', ')}`);
  }
  for (const key of ['hidden_size', 'num_hidden_layers', 'num_attention_heads', 'vocab_size'] as const) {
    positiveInteger(['base_model_fingerprint', 'signature', key], signature[key]);
  }

  const slots = positiveInteger(['num_special_token_slots'], config.num_special_token_slots);
  const slotNames = config.special_token_slots;
  if (!Array.isArray(slotNames) || !slotNames.every((s) => typeof s === 'string' && s.length > 0)) {
    fail(['special_token_slots'], slotNames === undefined ? 'is missing' : 'must be an array of special tokens such as ["[CLS]", "[SEP]"]');
  }
  if ((slotNames as string[]).length !== slots)
    fail(['special_token_slots'], `names ${(slotNames as string[]).length} slots but num_special_token_slots is ${slots}`);
  if (config.text_pair !== undefined) {
    if (config.text_pair !== true) fail(['text_pair'], `must be true (an adapter for sentence pairs) or absent, found ${JSON.stringify(config.text_pair)}`);
    if (task !== 'SEQ_CLS') fail(['text_pair'], 'is for SEQ_CLS adapters only');
  }
  const layers = positiveInteger(['num_layers'], config.num_layers);
  const hidden = positiveInteger(['hidden_size'], config.hidden_size);
  if (layers !== signature.num_hidden_layers)
    fail(['num_layers'], `is ${layers} but the base model signature has num_hidden_layers ${String(signature.num_hidden_layers)}`);
  if (hidden !== signature.hidden_size) fail(['hidden_size'], `is ${hidden} but the base model signature has hidden_size ${String(signature.hidden_size)}`);

  checkLabels(config, task as AdapterTaskType, fail);

  const dataFingerprint = config.training_data_fingerprint;
  if (typeof dataFingerprint !== 'string' || !SHA256.test(dataFingerprint)) {
    fail(['training_data_fingerprint'], dataFingerprint === undefined ? 'is missing' : 'must be "sha256:" and 64 lowercase hex digits');
  }
  object('metrics');
  object('hyperparameters');
  const created = string('created');
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(created) || Number.isNaN(Date.parse(created)))
    fail(['created'], `must be an ISO 8601 time, found ${JSON.stringify(created)}`);
  string('pasta_studio_version');
  return config as unknown as AdapterConfig;
}

function checkLabels(config: Record<string, unknown>, task: AdapterTaskType, fail: (path: JsonPath, problem: string) => never): void {
  const id2label = config.id2label;
  if (!isObject(id2label)) fail(['id2label'], id2label === undefined ? 'is missing' : 'must be a JSON object such as {"0": "O", "1": "B-person"}');
  const entries = Object.entries(id2label as Record<string, unknown>);
  if (entries.length < 2) fail(['id2label'], `must hold at least 2 labels, found ${entries.length}`);
  const seen = new Set<string>();
  for (const [id, label] of entries) {
    if (!/^(0|[1-9]\d*)$/.test(id) || Number(id) >= entries.length)
      fail(['id2label', id], `has key ${JSON.stringify(id)}; keys must be "0" to "${entries.length - 1}"`);
    if (typeof label !== 'string' || label.length === 0) fail(['id2label', id], 'must be a non-empty string');
    if (seen.has(label as string)) fail(['id2label', id], `repeats the label ${JSON.stringify(label)}`);
    seen.add(label as string);
  }
  const label2id = config.label2id;
  if (!isObject(label2id)) fail(['label2id'], label2id === undefined ? 'is missing' : 'must be a JSON object such as {"O": 0, "B-person": 1}');
  const inverse = label2id as Record<string, unknown>;
  if (Object.keys(inverse).length !== entries.length) fail(['label2id'], `holds ${Object.keys(inverse).length} labels but id2label holds ${entries.length}`);
  for (const [id, label] of entries) {
    if (inverse[label as string] !== Number(id)) fail(['label2id'], `must map ${JSON.stringify(label)} to ${id} as id2label does`);
  }

  if (task === 'SEQ_CLS') {
    if (config.label_scheme !== undefined) fail(['label_scheme'], 'is for TOKEN_CLS adapters only');
    return;
  }
  if (config.label_scheme !== 'IOB2')
    fail(['label_scheme'], `must be "IOB2" for a TOKEN_CLS adapter, found ${JSON.stringify(config.label_scheme) ?? 'nothing'}`);
  if (!seen.has('O')) fail(['id2label'], 'must hold the tag "O"');
  for (const [id, tag] of entries as [string, string][]) {
    if (tag === 'O') continue;
    const match = /^([BI])-(\S+)$/.exec(tag);
    if (!match) fail(['id2label', id], `${JSON.stringify(tag)} is neither O nor an IOB2 tag (B-<type> or I-<type>)`);
    const partner = `${match![1] === 'B' ? 'I' : 'B'}-${match![2]}`;
    if (!seen.has(partner)) fail(['id2label'], `has ${JSON.stringify(tag)} but not ${JSON.stringify(partner)}`);
  }
}

/** How an adapter's signature reads in messages. */
export function describeSignature(signature: ShapeSignature): string {
  return `${signature.model_type}, ${signature.num_hidden_layers} layers, hidden size ${signature.hidden_size}`;
}
