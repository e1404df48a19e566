// A model folder's weights: one model.safetensors, or shards listed by model.safetensors.index.json, else one
// pytorch_model.bin (read without running its pickle: torch/torchCheckpoint.ts).
import { existsSync, promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import type { Float32Tensor } from './types.js';
import { InputError } from '../data/types.js';
import { pathExists } from '../util/pathExists.js';
import { fileError, ioError, quoteName } from './fileError.js';
import { SafetensorsFile } from './safetensors/safetensors.js';
import type { TensorInfo } from './safetensors/safetensorsHeader.js';
import { openTorchCheckpoint, PYTORCH_FILE } from './torch/torchCheckpoint.js';

export const SINGLE_FILE = 'model.safetensors';
export const SHARD_INDEX = 'model.safetensors.index.json';

/** The tensors of a checkpoint, whichever files hold them. */
export interface Checkpoint {
  /** model.safetensors, or the shard index: the file to name when a tensor is missing. */
  readonly source: string;
  /** Absolute or as-given paths of the weight files, in shard order. */
  readonly files: string[];
  readonly names: string[];
  info(name: string): TensorInfo;
  /** The file that holds a tensor, for error messages. */
  fileOf(name: string): string;
  readFloat32(name: string): Promise<Float32Tensor>;
  close(): Promise<void>;
}

export async function openCheckpoint(dir: string): Promise<Checkpoint> {
  const single = join(dir, SINGLE_FILE);
  if (await pathExists(single)) return singleFileCheckpoint(await SafetensorsFile.open(single));
  const index = join(dir, SHARD_INDEX);
  if (await pathExists(index)) return openShardedCheckpoint(index);
  const bin = join(dir, PYTORCH_FILE);
  if (await pathExists(bin)) return openTorchCheckpoint(bin);
  const other = ['pytorch_model.bin.index.json', 'tf_model.h5', 'model.onnx'].filter((name) => existsSync(join(dir, name)));
  const hint = other.length > 0 ? `; it has ${other.join(', ')}, which is not read: convert it to safetensors` : '';
  throw fileError(dir, `no ${SINGLE_FILE}, ${SHARD_INDEX} or ${PYTORCH_FILE} in the model folder${hint}`);
}

function singleFileCheckpoint(file: SafetensorsFile): Checkpoint {
  return {
    source: file.path,
    files: [file.path],
    names: file.names,
    info: (name) => file.info(name),
    fileOf: () => file.path,
    readFloat32: (name) => file.readFloat32(name),
    close: () => file.close(),
  };
}

export async function openShardedCheckpoint(indexPath: string): Promise<Checkpoint> {
  const weightMap = await readWeightMap(indexPath);
  const dir = indexPath.slice(0, indexPath.length - basename(indexPath).length);
  const shardNames = [...new Set(weightMap.values())].sort();
  const shards = new Map<string, SafetensorsFile>();
  try {
    for (const shard of shardNames) shards.set(shard, await SafetensorsFile.open(join(dir, shard)));
    for (const [tensor, shard] of weightMap) {
      if (!shards.get(shard)!.tensors.has(tensor)) {
        throw fileError(indexPath, `weight_map puts tensor ${quoteName(tensor)} in ${shard}, which does not contain it`);
      }
    }
  } catch (error) {
    await Promise.all([...shards.values()].map((s) => s.close().catch(() => undefined)));
    throw error;
  }
  const shardOf = (name: string): SafetensorsFile => {
    const shard = weightMap.get(name);
    if (shard === undefined) throw fileError(indexPath, `weight_map has no tensor ${quoteName(name)}`);
    return shards.get(shard)!;
  };
  return {
    source: indexPath,
    files: shardNames.map((shard) => shards.get(shard)!.path),
    names: [...weightMap.keys()],
    info: (name) => shardOf(name).info(name),
    fileOf: (name) => shardOf(name).path,
    readFloat32: (name) => shardOf(name).readFloat32(name),
    close: async () => {
      await Promise.all([...shards.values()].map((s) => s.close()));
    },
  };
}

async function readWeightMap(indexPath: string): Promise<Map<string, string>> {
  let text: string;
  try {
    const stat = await fs.stat(indexPath);
    if (stat.size > 64 * 1024 * 1024) throw fileError(indexPath, `is ${stat.size} bytes, too large for a shard index`);
    text = await fs.readFile(indexPath, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw ioError(indexPath, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw fileError(indexPath, `is not valid JSON (${(error as Error).message})`);
  }
  const weightMap = (json as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw fileError(indexPath, 'has no weight_map object');
  }
  const result = new Map<string, string>();
  for (const [tensor, shard] of Object.entries(weightMap as Record<string, unknown>)) {
    if (typeof shard !== 'string' || shard === '' || shard !== basename(shard) || shard === '.' || shard === '..' || shard.includes('\\')) {
      throw fileError(indexPath, `weight_map entry ${quoteName(tensor)} must name a file in the same folder, got ${JSON.stringify(shard)}`);
    }
    result.set(tensor, shard);
  }
  if (result.size === 0) throw fileError(indexPath, 'weight_map is empty');
  return result;
}
