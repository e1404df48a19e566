// Where adapters live in a workspace: .pasta/adapters/<name>/{adapter_config.json, adapter_model.safetensors}.
import { basename, join, resolve } from 'node:path';
import { InputError } from '../data/types.js';

export const ADAPTERS_DIR = join('.pasta', 'adapters');

/** Names become folder names in a repository: portable characters only, and never "." or "..". */
const ADAPTER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function isValidAdapterName(name: string): boolean {
  return ADAPTER_NAME.test(name);
}

/** Throws a one-line InputError naming `where` (the flag or file the name came from) for a bad name. */
export function checkAdapterName(name: string, where: string): string {
  if (!isValidAdapterName(name)) {
    throw new InputError(
      where,
      undefined,
      `${JSON.stringify(name)} is not a valid adapter name (a letter or digit, then letters, digits, '.', '_' or '-'; at most 100)`,
    );
  }
  return name;
}

export function adaptersRoot(workspaceRoot: string): string {
  return join(resolve(workspaceRoot), ADAPTERS_DIR);
}

export function adapterDir(workspaceRoot: string, name: string): string {
  const root = adaptersRoot(workspaceRoot);
  return join(root, checkAdapterName(name, root));
}

/** The adapter's name is its folder's name. */
export function adapterNameOf(dir: string): string {
  return basename(resolve(dir));
}
