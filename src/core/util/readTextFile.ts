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
  const bytes = await fs.readFile(path);
  const notText = nulByteProblem(bytes);
  if (notText) throw new InputError(path, notText.line, notText.problem);
  return bytes.toString('utf8');
}

/**
 * Why bytes meant as UTF-8 text are not, when they hold a NUL byte (which no text file does): UTF-16 by its
 * byte-order mark (Notepad's "Unicode"), else binary, with the line of the first NUL. `what` names the source.
 */
export function nulByteProblem(bytes: Uint8Array, what = 'file'): { line?: number; problem: string } | undefined {
  const nul = bytes.indexOf(0);
  if (nul < 0) return undefined;
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (utf16) return { problem: 'is UTF-16 text; save it as UTF-8' };
  return { line: lineOfByte(bytes, nul), problem: `is a binary ${what} (it holds NUL bytes)` };
}

function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i >= 0 && i < offset; i = bytes.indexOf(0x0a, i + 1)) line++;
  return line;
}
