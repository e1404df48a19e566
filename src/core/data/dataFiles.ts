// Reading NER and classification data files: CoNLL, or Prodigy/doccano JSONL, by extension or by content.
import { extname } from 'node:path';
import { parseConll } from './conll.js';
import { parseClassificationJsonl, parseNerJsonl, type JsonlClassificationRecord, type JsonlNerDocument } from './jsonl.js';
import { readTextFile } from './readTextFile.js';
import type { TagScheme } from './tagSchemes.js';
import { InputError, type NerDocument } from './types.js';

export const INPUT_FORMATS = ['auto', 'conll', 'prodigy', 'doccano', 'jsonl'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

const CONLL_EXTENSIONS = new Set(['.conll', '.conllu', '.iob', '.iob2', '.bio', '.bioes', '.tsv']);

/** "conll" or "jsonl": from the requested format, else the extension, else the first non-blank line. */
export function fileKind(file: string, text: string, requested: InputFormat): 'conll' | 'jsonl' {
  if (requested === 'conll') return 'conll';
  if (requested !== 'auto') return 'jsonl';
  const extension = extname(file).toLowerCase();
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  if (CONLL_EXTENSIONS.has(extension)) return 'conll';
  const firstLine = text.replace(/^\uFEFF/, '').split('\n').find((line) => line.trim() !== '') ?? '';
  return firstLine.trimStart().startsWith('{') ? 'jsonl' : 'conll';
}

export interface NerReadOptions {
  format: InputFormat;
  scheme?: TagScheme;
  multiTag?: 'error' | 'first';
  /** false reads invalid tag sequences as conlleval does; default true (report them). */
  strict?: boolean;
}

export async function readNerFile(file: string, options: NerReadOptions): Promise<{ documents: NerDocument[]; kind: 'conll' | 'jsonl' }> {
  const text = await readTextFile(file);
  const kind = fileKind(file, text, options.format);
  if (kind === 'conll') return { documents: parseConll(text, file, { scheme: options.scheme, multiTag: options.multiTag, strict: options.strict }), kind };
  const documents = parseNerJsonl(text, file);
  if (options.format === 'prodigy' || options.format === 'doccano') checkRecordFormats(documents, options.format, file);
  return { documents, kind };
}

export async function readClassificationFile(file: string, format: InputFormat): Promise<JsonlClassificationRecord[]> {
  const text = await readTextFile(file);
  if (fileKind(file, text, format) === 'conll') {
    throw new InputError(file, undefined, 'is CoNLL, which holds entity tags; a sequence (text classification) task needs JSONL records {"text", "label"}');
  }
  return parseClassificationJsonl(text, file);
}

function checkRecordFormats(documents: JsonlNerDocument[], expected: 'prodigy' | 'doccano', file: string): void {
  for (const document of documents) {
    if (document.format !== expected && document.spans.length > 0) {
      const shape = expected === 'prodigy' ? '"spans": [{"start", "end", "label"}]' : '"label": [[start, end, label]]';
      throw new InputError(file, document.source.line, `is a ${document.format} record, but --format ${expected} expects ${shape}`);
    }
  }
}
