// Saves an adapter so that no reader and no crash ever sees half of one: both files are written and synced into
// a temp folder beside the target, then the folder is renamed into place. Replacing an existing adapter moves the
// old folder aside first (.<name>.previous); should the process die between the two renames, the next load, list
// or save puts the old adapter back.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../data/types.js';
import { syncDirectory, writeFileAtomic } from '../util/atomicWrite.js';
import { writeSafetensors } from '../model/safetensors/safetensorsWriter.js';
import {
  ADAPTER_CONFIG_FILE,
  ADAPTER_TENSOR_NAMES,
  ADAPTER_WEIGHTS_FILE,
  checkAdapterConfig,
  expectedTensorShapes,
  type AdapterConfig,
  type AdapterTensors,
} from './adapterConfig.js';

export async function saveAdapter(dir: string, config: AdapterConfig, tensors: AdapterTensors): Promise<void> {
  const target = resolve(dir);
  checkAdapterConfig(config, join(target, ADAPTER_CONFIG_FILE));
  checkTensorsToSave(config, tensors, join(target, ADAPTER_WEIGHTS_FILE));

  const parent = dirname(target);
  await fs.mkdir(parent, { recursive: true });
  await recoverInterruptedSave(target);
  await removeAbandonedTempFolders(target);

  const temp = join(parent, `.${basename(target)}.saving-${process.pid}-${randomBytes(4).toString('hex')}`);
  await fs.mkdir(temp);
  try {
    await writeFileAtomic(join(temp, ADAPTER_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
    const named = Object.fromEntries(ADAPTER_TENSOR_NAMES.map((name) => [name, tensors[name]]));
    // "format": "pt" is what transformers and PEFT write, so that their loaders accept the file as is.
    await writeSafetensors(join(temp, ADAPTER_WEIGHTS_FILE), named, { format: 'pt' });
    await syncDirectory(temp);
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  await commit(temp, target);
}

/** The folder an interrupted replacement moved the old adapter to. */
export function previousAdapterDir(dir: string): string {
  const target = resolve(dir);
  return join(dirname(target), `.${basename(target)}.previous`);
}

/**
 * Finishes what an interrupted save left: the old adapter moved aside but the new one not yet in place (put the
 * old one back), or both in place (drop the old one).
 */
export async function recoverInterruptedSave(dir: string): Promise<void> {
  const target = resolve(dir);
  const previous = previousAdapterDir(target);
  if (!(await exists(previous))) return;
  if (await exists(target)) await fs.rm(previous, { recursive: true, force: true });
  else await fs.rename(previous, target);
}

async function commit(temp: string, target: string): Promise<void> {
  const parent = dirname(target);
  if (!(await exists(target))) {
    await renameOrCleanUp(temp, target);
  } else {
    const previous = previousAdapterDir(target);
    await fs.rename(target, previous);
    try {
      await fs.rename(temp, target);
    } catch (error) {
      await fs.rename(previous, target).catch(() => undefined);
      await fs.rm(temp, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
    await syncDirectory(parent);
    await fs.rm(previous, { recursive: true, force: true });
  }
  await syncDirectory(parent);
}

async function renameOrCleanUp(temp: string, target: string): Promise<void> {
  try {
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}

function checkTensorsToSave(config: AdapterConfig, tensors: AdapterTensors, file: string): void {
  const expected = expectedTensorShapes(config);
  for (const name of ADAPTER_TENSOR_NAMES) {
    const tensor = tensors[name];
    if (!tensor) throw new InputError(file, undefined, `cannot save: tensor '${name}' is missing`);
    const shape = expected[name];
    if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) {
      throw new InputError(file, undefined, `cannot save: tensor '${name}' has shape [${tensor.shape.join(', ')}] but the config needs [${shape.join(', ')}]`);
    }
    const size = shape.reduce((a, b) => a * b, 1);
    if (!(tensor.data instanceof Float32Array) || tensor.data.length !== size) {
      throw new InputError(file, undefined, `cannot save: tensor '${name}' must hold ${size} float32 values`);
    }
  }
}

/** Temp folders of saves whose process is gone (killed mid-save). */
async function removeAbandonedTempFolders(target: string): Promise<void> {
  const prefix = `.${basename(target)}.saving-`;
  let entries: string[];
  try {
    entries = await fs.readdir(dirname(target));
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length).split('-')[0]);
    if (Number.isSafeInteger(pid) && pid > 0 && !isRunning(pid)) {
      await fs.rm(join(dirname(target), entry), { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
