// Reads a UTF-8 dataset file, turning the usual failures into one-line InputErrors and refusing files
// too large to hold as one string rather than failing inside V8.
import { promises as fs } from 'node:fs';
import { InputError } from '../data/types.js';

/** V8 strings hold at most ~2^29 UTF-16 units; stay well below. */
export const MAX_DATASET_BYTES = 256 * 1024 * 1024;

export async function readTextFile(path: string, maxBytes = MAX_DATASET_BYTES): Promise<string> {
  let size: number;
  try {
    const stat = await fs.stat(path);
    if (stat.isDirectory()) throw new InputError(path, undefined, 'is a directory, not a file');
    size = stat.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(path, undefined, 'no such file');
    if (code === 'EACCES' || code === 'EPERM') throw new InputError(path, undefined, 'permission denied');
    throw error;
  }
  if (size > maxBytes) throw new InputError(path, undefined, `is ${size} bytes, more than the ${maxBytes} a dataset may have`);
  return fs.readFile(path, 'utf8');
}
