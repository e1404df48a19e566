// An adapter only means something on the exact base it was trained on: refuse any other, saying how it differs.
import { join } from 'node:path';
import { InputError } from '../data/types.js';
import { shapeSignature, type BaseModelFingerprint, type ShapeSignature } from '../model/fingerprint.js';
import type { EncoderConfig } from '../model/types.js';
import { ADAPTER_CONFIG_FILE, type AdapterConfig } from './adapterConfig.js';

export interface AdapterBase {
  config: EncoderConfig;
  fingerprint: BaseModelFingerprint;
  /** Special-token slots of the inputs the adapter will see (2 for single sentences); unchecked when absent. */
  numSpecialTokenSlots?: number;
}

export interface AdapterToVerify {
  config: AdapterConfig;
  /** For messages; defaults to "the adapter". */
  name?: string;
  /** The adapter folder, named in the error. */
  dir?: string;
}

const SHAPE_WORDS: Record<keyof ShapeSignature, string> = {
  model_type: 'model type',
  hidden_size: 'hidden size',
  num_hidden_layers: 'layers',
  num_attention_heads: 'attention heads',
  vocab_size: 'vocabulary size',
};

/** Throws a one-line InputError when `base` is not the model `adapter` was trained on. */
export function verifyAdapterForBase(adapter: AdapterToVerify, base: AdapterBase): void {
  const who = adapter.name ? `adapter '${adapter.name}'` : 'the adapter';
  const file = adapter.dir ? join(adapter.dir, ADAPTER_CONFIG_FILE) : (adapter.name ?? 'adapter');
  const refuse = (problem: string): never => {
    throw new InputError(file, undefined, problem);
  };

  const trained = adapter.config.base_model_fingerprint.signature;
  const actual = shapeSignature(base.config);
  const differing = (Object.keys(SHAPE_WORDS) as (keyof ShapeSignature)[]).filter((key) => trained[key] !== actual[key]);
  if (differing.length === 1) {
    const key = differing[0];
    refuse(`${who} was trained on a base with ${SHAPE_WORDS[key]} ${String(trained[key])}; this base has ${String(actual[key])}`);
  }
  if (differing.length > 1) {
    const list = (signature: ShapeSignature) => differing.map((key) => `${SHAPE_WORDS[key]} ${String(signature[key])}`).join(', ');
    refuse(`${who} was trained on a base with ${list(trained)}; this base has ${list(actual)}`);
  }

  if (base.numSpecialTokenSlots !== undefined && base.numSpecialTokenSlots !== adapter.config.num_special_token_slots) {
    refuse(
      `${who} has vectors for ${adapter.config.num_special_token_slots} special-token slots (${adapter.config.special_token_slots.join(' ')}); these inputs have ${base.numSpecialTokenSlots}`,
    );
  }

  const trainedHash = adapter.config.base_model_fingerprint.sha256;
  if (trainedHash !== base.fingerprint.sha256) {
    refuse(
      `${who} was trained on base ${adapter.config.base_model_name_or_path} with weights ${shortHash(trainedHash)}; this base has the same shapes but weights ${shortHash(base.fingerprint.sha256)}`,
    );
  }
}

function shortHash(sha256: string): string {
  return sha256.length > 19 ? `${sha256.slice(0, 19)}...` : sha256;
}
