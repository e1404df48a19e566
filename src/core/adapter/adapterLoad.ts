// Reads an adapter folder and checks it whole: the config's fields, then the weight file's tensor names, dtypes and
// shapes against the config, before any tensor data is read.
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../data/types.js';
import { ioError } from '../model/fileError.js';
import { SafetensorsFile } from '../model/safetensors/safetensors.js';
import {
  ADAPTER_CONFIG_FILE,
  ADAPTER_TENSOR_NAMES,
  ADAPTER_WEIGHTS_FILE,
  expectedTensorShapes,
  parseAdapterConfig,
  type AdapterConfig,
  type AdapterTensorName,
  type AdapterTensors,
} from './adapterConfig.js';
import { adapterNameOf } from './adapterPaths.js';
import { recoverInterruptedSave } from './adapterSave.js';

/** An adapter_config.json is a few kilobytes; a larger one is not ours. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export interface AdapterInfo {
  name: string;
  dir: string;
  config: AdapterConfig;
}

export interface LoadedAdapter extends AdapterInfo {
  tensors: AdapterTensors;
}

export async function loadAdapter(dir: string): Promise<LoadedAdapter> {
  const { info, weights } = await openAdapter(dir);
  try {
    const tensors = {} as AdapterTensors;
    for (const name of ADAPTER_TENSOR_NAMES) tensors[name] = await weights.readFloat32(name);
    return { ...info, tensors };
  } finally {
    await weights.close();
  }
}

/** The config of an adapter whose weight file has been checked, without reading the tensors. */
export async function inspectAdapter(dir: string): Promise<AdapterInfo> {
  const { info, weights } = await openAdapter(dir);
  await weights.close();
  return info;
}

async function openAdapter(dir: string): Promise<{ info: AdapterInfo; weights: SafetensorsFile }> {
  const folder = resolve(dir);
  await recoverInterruptedSave(folder);
  try {
    if (!(await fs.stat(folder)).isDirectory()) throw new InputError(dir, undefined, 'is not an adapter folder');
  } catch (error) {
    if (error instanceof InputError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new InputError(dir, undefined, `no adapter here (expected ${ADAPTER_CONFIG_FILE} and ${ADAPTER_WEIGHTS_FILE})`);
    throw ioError(dir, error);
  }
  const configFile = join(dir, ADAPTER_CONFIG_FILE);
  const config = parseAdapterConfig(await readSmallText(configFile), configFile);

  const weightsFile = join(dir, ADAPTER_WEIGHTS_FILE);
  const weights = await SafetensorsFile.open(weightsFile);
  try {
    checkTensorInfos(weights, config, weightsFile);
  } catch (error) {
    await weights.close();
    throw error;
  }
  return { info: { name: adapterNameOf(folder), dir: folder, config }, weights };
}

function checkTensorInfos(weights: SafetensorsFile, config: AdapterConfig, file: string): void {
  const expected = expectedTensorShapes(config);
  for (const name of ADAPTER_TENSOR_NAMES) {
    if (!weights.tensors.has(name)) throw new InputError(file, undefined, `has no tensor '${name}' (an adapter holds ${ADAPTER_TENSOR_NAMES.join(', ')})`);
  }
  for (const name of weights.names) {
    if (!(ADAPTER_TENSOR_NAMES as readonly string[]).includes(name)) {
      throw new InputError(
        file,
        undefined,
        `holds the tensor ${JSON.stringify(name)}, which is not part of a PASTA adapter (${ADAPTER_TENSOR_NAMES.join(', ')})`,
      );
    }
  }
  for (const name of ADAPTER_TENSOR_NAMES) {
    const info = weights.info(name);
    if (info.dtype !== 'F32') throw new InputError(file, undefined, `tensor '${name}' is ${info.dtype}; adapters are stored as F32`);
    const shape = expected[name];
    if (info.shape.length !== shape.length || info.shape.some((d, i) => d !== shape[i])) {
      throw new InputError(
        file,
        undefined,
        `tensor '${name}' has shape [${info.shape.join(', ')}] but ${ADAPTER_CONFIG_FILE} says [${shape.join(', ')}] (${SHAPE_MEANING[name]})`,
      );
    }
  }
}

const SHAPE_MEANING: Record<AdapterTensorName, string> = {
  pasta_vectors: 'num_layers, num_special_token_slots, hidden_size',
  'classifier.weight': 'labels in id2label, hidden_size',
  'classifier.bias': 'labels in id2label',
};

async function readSmallText(file: string): Promise<string> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    throw ioError(file, error);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new InputError(file, undefined, 'is not a regular file');
    if (stat.size > MAX_CONFIG_BYTES) throw new InputError(file, undefined, `is ${stat.size} bytes; an adapter config is at most ${MAX_CONFIG_BYTES}`);
    const bytes = await handle.readFile();
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new InputError(file, undefined, 'is not valid UTF-8');
    }
  } finally {
    await handle.close();
  }
}
