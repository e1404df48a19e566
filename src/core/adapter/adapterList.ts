// The adapters of a workspace, for pickers and `pasta adapters list`: a broken adapter is reported, never fatal.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../data/types.js';
import type { JsonValue } from '../util/jsonWithLines.js';
import { adapterLabels, type AdapterTaskType } from './adapterConfig.js';
import { inspectAdapter } from './adapterLoad.js';
import { adapterDir, adaptersRoot, isValidAdapterName } from './adapterPaths.js';

export interface AdapterSummary {
  name: string;
  dir: string;
  task: AdapterTaskType;
  /** Entity types (TOKEN_CLS) or classes (SEQ_CLS). */
  labels: string[];
  metrics: { [key: string]: JsonValue };
  created: string;
  /** base_model_name_or_path */
  base: string;
  baseSha256: string;
}

export interface AdapterListing {
  adapters: AdapterSummary[];
  /** One line per broken adapter folder, naming its file and the problem. */
  problems: InputError[];
}

export async function listAdapters(workspaceRoot: string): Promise<AdapterListing> {
  const root = adaptersRoot(workspaceRoot);
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(root, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { adapters: [], problems: [] };
    throw new InputError(root, undefined, `cannot list adapters (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const names = new Set<string>();
  for (const entry of entries) {
    if (entry.isDirectory() && !entry.name.startsWith('.')) names.add(entry.name);
    // A save interrupted between its two renames left only the previous version; loading it recovers it.
    const interrupted = /^\.(.+)\.previous$/.exec(entry.name);
    if (entry.isDirectory() && interrupted) names.add(interrupted[1]);
  }
  const adapters: AdapterSummary[] = [];
  const problems: InputError[] = [];
  for (const name of [...names].sort()) {
    const dir = join(root, name);
    if (!isValidAdapterName(name)) {
      problems.push(new InputError(dir, undefined, 'folder name is not a valid adapter name (letters, digits, ., _ and -)'));
      continue;
    }
    try {
      const { config } = await inspectAdapter(dir);
      adapters.push({
        name,
        dir,
        task: config.task_type,
        labels: adapterLabels(config),
        metrics: config.metrics,
        created: config.created,
        base: config.base_model_name_or_path,
        baseSha256: config.base_model_fingerprint.sha256,
      });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(error);
    }
  }
  return { adapters, problems };
}

/** Removes an adapter folder: renamed away first, so that it disappears at once even if deleting is slow. */
export async function removeAdapter(workspaceRoot: string, name: string): Promise<void> {
  const dir = adapterDir(workspaceRoot, name);
  const doomed = join(adaptersRoot(workspaceRoot), `.${name}.removing-${randomBytes(4).toString('hex')}`);
  try {
    await fs.rename(dir, doomed);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(dir, undefined, `no adapter named '${name}'`);
    throw error;
  }
  await fs.rm(doomed, { recursive: true, force: true });
}
