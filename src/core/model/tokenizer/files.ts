// Reading tokenizer files: bounded size, strict UTF-8, errors that name the file.

import { readFile, stat } from 'node:fs/promises';
import { InputError } from '../../data/types';
import { JsonValue, oneLine } from './jsonValue';

/** SentencePiece models by the names transformers gives them; read where a folder has no tokenizer.json (sentencePieceConverters.ts). */
export const SENTENCEPIECE_MODEL_FILES: readonly string[] = ['sentencepiece.bpe.model', 'spiece.model', 'spm.model', 'tokenizer.model'];

/** Larger than any real tokenizer file (Gemma's tokenizer.json is ~35 MB); refuses runaway inputs. */
const MAX_FILE_BYTES = 512 * 1024 * 1024;

export async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export async function readBytes(path: string): Promise<Buffer> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new InputError(path, undefined, 'not a file');
    if (info.size > MAX_FILE_BYTES) throw new InputError(path, undefined, `too large (${info.size} bytes) for a tokenizer file`);
    return await readFile(path);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(path, undefined, `cannot read (${oneLine((error as Error).message)})`);
  }
}

export async function readText(path: string): Promise<string> {
  const bytes = await readBytes(path);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(path, lineOfInvalidUtf8(bytes), 'not valid UTF-8 text');
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export async function readJson(path: string): Promise<JsonValue> {
  return JsonValue.parse(await readText(path), path);
}

export async function readOptionalJson(path: string): Promise<JsonValue | undefined> {
  return (await exists(path)) ? readJson(path) : undefined;
}

function lineOfInvalidUtf8(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return line;
}
