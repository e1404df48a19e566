import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** WNUT17_DIR, else shared/datasets/wnut17 beside the repository or in a folder above it. */
function wnut17Dir(): string {
  if (process.env.WNUT17_DIR) return process.env.WNUT17_DIR;
  const beside = join(__dirname, '..', '..', 'shared', 'datasets', 'wnut17');
  for (let dir = join(__dirname, '..'); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'datasets', 'wnut17');
    if (existsSync(candidate)) return candidate;
  }
  return beside;
}

export const WNUT17_DIR = wnut17Dir();
export const WNUT17_LABELS = ['corporation', 'creative-work', 'group', 'location', 'person', 'product'];
