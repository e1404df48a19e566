// A local Hugging Face model folder -> the encoder's config and float32 weights.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { EncoderConfig, WeightMap } from './types.js';
import { openCheckpoint } from './checkpoint.js';
import { readEncoderConfig } from './config.js';
import { fileError, ioError } from './fileError.js';
import { loadEncoderWeights } from './weights.js';
import { InputError } from '../data/types.js';

export interface LoadedModelFolder {
  config: EncoderConfig;
  weights: WeightMap;
  /** The weight files read (model.safetensors, or the shards in order): what the base-model fingerprint hashes. */
  files: string[];
}

export async function loadModelFolder(dir: string): Promise<LoadedModelFolder> {
  try {
    if (!(await stat(dir)).isDirectory()) throw fileError(dir, 'is not a folder; expected a model folder with config.json and model.safetensors');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw ioError(dir, error);
  }
  const config = await readEncoderConfig(dir);
  const checkpoint = await openCheckpoint(dir);
  try {
    const weights = await loadEncoderWeights(checkpoint, config, join(dir, 'config.json'));
    return { config, weights, files: checkpoint.files };
  } finally {
    await checkpoint.close();
  }
}
