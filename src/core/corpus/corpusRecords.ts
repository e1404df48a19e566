// A corpus to tag, read as a stream of records: files, directories (walked in name order), glob patterns, JSONL files
// and JSON Lines on stdin. A record that cannot be read (a binary file, a broken JSON line, a record without a
// string "text") comes out as a problem naming its file and line, so that the run reports it and goes on.
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Minimatch, minimatch } from 'minimatch';
import { nulByteProblem } from '../util/readTextFile.js';

export interface CorpusRecord {
  kind: 'record';
  /** Stable and unique within a run: "path" for a text file, "path:line" for a JSONL record, "stdin:line". */
  source: string;
  text: string;
  /** The JSONL record as read, whose other fields the output keeps. */
  record?: Record<string, unknown>;
}

export interface CorpusProblem {
  kind: 'problem';
  source: string;
  file: string;
  line?: number;
  problem: string;
}

export type CorpusItem = CorpusRecord | CorpusProblem;

export interface CorpusOptions {
  cwd: string;
  /** Read plain files (and stdin) as JSON Lines too, not only *.jsonl. */
  jsonl: boolean;
  stdin?: Readable;
}

/** A text file larger than this is refused as one record (V8 strings stop near 2^29 units). */
const MAX_TEXT_FILE_BYTES = 256 * 1024 * 1024;

const isJsonlName = (path: string) => /\.jsonl$/i.test(path);

const hasMagic = (pattern: string) => new Minimatch(pattern).hasMagic();

/** Whether a command-line argument asks for corpus reading: a directory, a *.jsonl file, or a glob no file is named. */
export async function isCorpusInput(input: string, cwd: string): Promise<boolean> {
  if (isJsonlName(input)) return true;
  const info = await stat(resolve(cwd, input)).catch(() => undefined);
  return info ? info.isDirectory() : hasMagic(input);
}

/** The files under a directory in name order (names starting with "." skipped), named from `named` (how the user wrote it). */
async function walkFiles(dir: string, named: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    const name = named === '' ? entry.name : join(named, entry.name);
    if (entry.isDirectory()) files.push(...(await walkFiles(full, name)));
    else if (entry.isFile()) files.push(name);
  }
  return files;
}

/** A glob's matches: the files under its longest literal leading folder that match it (minimatch, no dotfiles). */
async function globFiles(pattern: string, cwd: string): Promise<string[]> {
  const segments = pattern.split('/');
  const literal = segments.slice(
    0,
    segments.findIndex((segment) => hasMagic(segment)),
  );
  const base = literal.join('/') || (pattern.startsWith('/') ? '/' : '');
  const files = await walkFiles(resolve(cwd, base || '.'), base).catch(() => []);
  return files.filter((file) => minimatch(file, pattern));
}

/**
 * The files a command-line argument names, in a stable order: itself, a directory's files, or (when no file has that
 * name) a glob pattern's matches.
 */
export async function expandInput(input: string, cwd: string): Promise<string[] | CorpusProblem> {
  const path = resolve(cwd, input);
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error && info.code === 'ENOENT' && hasMagic(input)) {
    const matches = await globFiles(input, cwd);
    if (matches.length === 0) return { kind: 'problem', source: input, file: input, problem: 'matches no file' };
    return matches;
  }
  if (info instanceof Error)
    return { kind: 'problem', source: input, file: path, problem: info.code === 'ENOENT' ? 'does not exist' : `cannot be read (${info.code ?? info.message})` };
  return info.isDirectory() ? walkFiles(path, input) : [input];
}

/** One JSON line -> a record with a string "text", or the problem with it. */
export function parseJsonLine(line: string, file: string, lineNumber: number, source: string): CorpusItem {
  const problem = (text: string): CorpusProblem => ({ kind: 'problem', source, file, line: lineNumber, problem: text });
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return problem(`is not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return problem('is not a JSON object {"text": ...}');
  const record = value as Record<string, unknown>;
  if (typeof record.text !== 'string')
    return problem(`"text" must be a string, found ${record.text === undefined ? 'nothing' : JSON.stringify(record.text).slice(0, 40)}`);
  return { kind: 'record', source, text: record.text, record };
}

async function* jsonLines(stream: Readable, file: string, sourcePrefix: string): AsyncGenerator<CorpusItem> {
  let lineNumber = 0;
  for await (const raw of createInterface({ input: stream, crlfDelay: Infinity })) {
    lineNumber++;
    const line = lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.trim() === '') continue;
    yield parseJsonLine(line, file, lineNumber, `${sourcePrefix}:${lineNumber}`);
  }
}

async function textFile(input: string, path: string): Promise<CorpusItem> {
  const problem = (text: string): CorpusProblem => ({ kind: 'problem', source: input, file: path, problem: text });
  const info = await stat(path);
  if (info.size > MAX_TEXT_FILE_BYTES) return problem(`is ${info.size} bytes, more than the ${MAX_TEXT_FILE_BYTES} one text may have`);
  const bytes = await readFile(path);
  const notText = nulByteProblem(bytes);
  if (notText) return problem(notText.problem);
  try {
    return { kind: 'record', source: input, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '') };
  } catch {
    return problem('is not valid UTF-8 text');
  }
}

/** Every record of the inputs in order; stdin (one text, or JSON Lines with `jsonl`) when there are none. */
export async function* corpusRecords(inputs: string[], options: CorpusOptions): AsyncGenerator<CorpusItem> {
  if (inputs.length === 0) {
    const stdin = options.stdin ?? process.stdin;
    if (options.jsonl) {
      yield* jsonLines(stdin, 'stdin', 'stdin');
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(chunk as Buffer);
    yield { kind: 'record', source: 'stdin', text: Buffer.concat(chunks).toString('utf8') };
    return;
  }
  for (const input of inputs) {
    const files = await expandInput(input, options.cwd);
    if (!Array.isArray(files)) {
      yield files;
      continue;
    }
    for (const file of files) {
      const path = resolve(options.cwd, file);
      try {
        if (options.jsonl || isJsonlName(file)) yield* jsonLines(createReadStream(path), path, file);
        else yield await textFile(file, path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        yield { kind: 'problem', source: file, file: path, problem: `cannot be read (${code ?? (error as Error).message})` };
      }
    }
  }
}
