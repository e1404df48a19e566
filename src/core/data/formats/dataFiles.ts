// Reading NER and classification data files: CoNLL, or Prodigy/doccano JSONL, by extension or by content.
// Which JSONL shape a record has is read from the record itself; naming one only adds a check that all have it.
import { extname } from 'node:path';
import { parseConll } from './conll.js';
import { parseClassificationJsonl, parseNerJsonl, type JsonlClassificationRecord, type JsonlNerDocument, type NerJsonlFormat } from './jsonl.js';
import { readTextFile } from '../../util/readTextFile.js';
import type { TagScheme } from './tagSchemes.js';
import { InputError, type NerDocument } from '../types.js';
import { describeSpan, locationFromId } from '../validate.js';

export const INPUT_FORMATS = ['auto', 'conll', 'prodigy', 'doccano', 'doccano-entities', 'jsonl'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

const CONLL_EXTENSIONS = new Set(['.conll', '.conllu', '.iob', '.iob2', '.bio', '.bioes', '.tsv']);

/** "conll" or "jsonl": from the requested format, else the extension, else the first non-blank line. */
export function fileKind(file: string, text: string, requested: InputFormat): 'conll' | 'jsonl' {
  if (requested === 'conll') return 'conll';
  if (requested !== 'auto') return 'jsonl';
  const extension = extname(file).toLowerCase();
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  if (CONLL_EXTENSIONS.has(extension)) return 'conll';
  const firstLine =
    text
      .replace(/^\uFEFF/, '')
      .split('\n')
      .find((line) => line.trim() !== '') ?? '';
  return firstLine.trimStart().startsWith('{') ? 'jsonl' : 'conll';
}

export interface NerReadOptions {
  format: InputFormat;
  scheme?: TagScheme;
  multiTag?: 'error' | 'first';
  /** false reads invalid tag sequences as conlleval does; default true (report them). */
  strict?: boolean;
  /** When given, an entity with another label is an error naming its file and line. */
  labels?: readonly string[];
}

export async function readNerFile(file: string, options: NerReadOptions): Promise<{ documents: NerDocument[]; kind: 'conll' | 'jsonl' }> {
  const text = await readTextFile(file);
  const kind = fileKind(file, text, options.format);
  if (kind === 'conll') {
    const documents = parseConll(text, file, { scheme: options.scheme, multiTag: options.multiTag, strict: options.strict });
    if (options.labels) checkLabels(documents, options.labels, file);
    return { documents, kind };
  }
  const documents = parseNerJsonl(text, file, { labels: options.labels });
  if (isNerJsonlFormat(options.format)) checkRecordFormats(documents, options.format, file);
  return { documents, kind };
}

export async function readClassificationFile(file: string, format: InputFormat): Promise<JsonlClassificationRecord[]> {
  const text = await readTextFile(file);
  if (fileKind(file, text, format) === 'conll') {
    throw new InputError(file, undefined, 'is CoNLL, which holds entity tags; a sequence (text classification) task needs JSONL records {"text", "label"}');
  }
  return parseClassificationJsonl(text, file);
}

function isNerJsonlFormat(format: InputFormat): format is NerJsonlFormat {
  return format === 'prodigy' || format === 'doccano' || format === 'doccano-entities';
}

const SHAPES: Record<NerJsonlFormat, string> = {
  prodigy: '"spans": [{"start", "end", "label"}]',
  doccano: '"label": [[start, end, label]]',
  'doccano-entities': '"entities": [{"label", "start_offset", "end_offset"}]',
};

function checkRecordFormats(documents: JsonlNerDocument[], expected: NerJsonlFormat, file: string): void {
  for (const document of documents) {
    if (document.format !== expected && document.spans.length > 0) {
      const shape = SHAPES[expected];
      throw new InputError(file, document.source.line, `is a ${document.format} record, but --format ${expected} expects ${shape}`);
    }
  }
}

function checkLabels(documents: NerDocument[], labels: readonly string[], file: string): void {
  const known = new Set(labels);
  for (const document of documents) {
    const span = document.spans.find((s) => !known.has(s.label));
    if (!span) continue;
    const where = locationFromId(document) ?? { file, line: undefined };
    throw new InputError(where.file, where.line, `entity ${describeSpan(document, span)}: label "${span.label}" is not one of ${labels.join(', ')}`);
  }
}
