// JSON Lines datasets: Prodigy and doccano entity records, doccano and plain classification records.
// Offsets in these files are Python code point offsets; documents here use UTF-16 offsets, so both
// directions convert. Each record's other fields are kept and written back in their original order.
import { writeFileAtomic } from './atomicWrite.js';
import { readTextFile } from './readTextFile.js';
import { offsetConverter } from './codePointOffsets.js';
import { InputError, type ClassificationRecord, type NerDocument, type Span } from './types.js';

/** Prodigy: {"text", "spans": [{"start", "end", "label"}]}; doccano: {"text", "label": [[start, end, label]]}. */
export type NerJsonlFormat = 'prodigy' | 'doccano';

export type JsonObject = { [key: string]: unknown };

export interface JsonlSource {
  line: number;
  /** The record as read, for the fields this module does not interpret. */
  record: JsonObject;
}

export interface JsonlNerDocument extends NerDocument {
  format: NerJsonlFormat;
  source: JsonlSource;
}

export interface JsonlClassificationRecord extends ClassificationRecord {
  /** doccano writes ["x"], Prodigy and plain files write "x"; re-export keeps what was read. */
  labelShape: 'string' | 'array';
  source: JsonlSource;
}

// ---------------------------------------------------------------------------------------------
// Reading

function* jsonRecords(text: string, file: string): Generator<{ record: JsonObject; line: number }> {
  const rows = text.replace(/^\uFEFF/, '').split('\n');
  for (let r = 0; r < rows.length; r++) {
    const line = r + 1;
    if (rows[r].trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(rows[r]);
    } catch (error) {
      throw new InputError(file, line, `invalid JSON: ${(error as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InputError(file, line, `expected a JSON object, found ${describe(value)}`);
    }
    const record = value as JsonObject;
    if (typeof record.text !== 'string') throw new InputError(file, line, `"text" must be a string, found ${describe(record.text)}`);
    yield { record, line };
  }
}

export function parseNerJsonl(text: string, file: string): JsonlNerDocument[] {
  const documents: JsonlNerDocument[] = [];
  for (const { record, line } of jsonRecords(text, file)) {
    const recordText = record.text as string;
    const offsets = offsetConverter(recordText);
    const toUtf16 = (value: unknown, what: string, index: number, label: string): number => {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        throw new InputError(file, line, `span ${index} (${label}): "${what}" must be an integer, found ${describe(value)}`);
      }
      const converted = offsets.toUtf16(value);
      if (converted === undefined) {
        throw new InputError(file, line, `span ${index} (${label}): ${what} ${value} is outside the text (${offsets.codePointLength} characters)`);
      }
      return converted;
    };
    const readLabel = (value: unknown, index: number): string => {
      if (typeof value !== 'string' || value === '') throw new InputError(file, line, `span ${index}: the label must be a non-empty string, found ${describe(value)}`);
      return value;
    };

    let format: NerJsonlFormat;
    let spans: Span[];
    if ('spans' in record) {
      format = 'prodigy';
      if (!Array.isArray(record.spans)) throw new InputError(file, line, `"spans" must be a list, found ${describe(record.spans)}`);
      spans = record.spans.map((span: unknown, i: number) => {
        if (typeof span !== 'object' || span === null || Array.isArray(span)) {
          throw new InputError(file, line, `span ${i}: expected an object with start, end and label, found ${describe(span)}`);
        }
        const { start, end, label } = span as JsonObject;
        const name = readLabel(label, i);
        return { start: toUtf16(start, 'start', i, name), end: toUtf16(end, 'end', i, name), label: name };
      });
    } else if (Array.isArray(record.label) && record.label.every(Array.isArray)) {
      format = 'doccano';
      spans = (record.label as unknown[][]).map((triple, i) => {
        if (triple.length !== 3) throw new InputError(file, line, `label ${i}: expected [start, end, label], found ${JSON.stringify(triple)}`);
        const name = readLabel(triple[2], i);
        return { start: toUtf16(triple[0], 'start', i, name), end: toUtf16(triple[1], 'end', i, name), label: name };
      });
    } else if (record.label === undefined) {
      // Plain text waiting for annotation.
      format = 'prodigy';
      spans = [];
    } else {
      throw new InputError(file, line, `"label" must be a list of [start, end, label], found ${describe(record.label)} (a classification record?)`);
    }
    documents.push({ id: `${file}:${line}`, text: recordText, spans, format, source: { line, record } });
  }
  return documents;
}

export function parseClassificationJsonl(text: string, file: string): JsonlClassificationRecord[] {
  const records: JsonlClassificationRecord[] = [];
  for (const { record, line } of jsonRecords(text, file)) {
    let label: string;
    let labelShape: 'string' | 'array';
    if (typeof record.label === 'string' && record.label !== '') {
      label = record.label;
      labelShape = 'string';
    } else if (Array.isArray(record.label) && record.label.length === 1 && typeof record.label[0] === 'string' && record.label[0] !== '') {
      label = record.label[0];
      labelShape = 'array';
    } else if (Array.isArray(record.label) && record.label.length > 1) {
      throw new InputError(file, line, `has ${record.label.length} labels; single-label classification needs exactly one`);
    } else {
      throw new InputError(file, line, `"label" must be a non-empty string or a list of one, found ${describe(record.label)}`);
    }
    records.push({ id: `${file}:${line}`, text: record.text as string, label, labelShape, source: { line, record } });
  }
  return records;
}

export async function readNerJsonl(path: string): Promise<JsonlNerDocument[]> {
  return parseNerJsonl(await readTextFile(path), path);
}

export async function readClassificationJsonl(path: string): Promise<JsonlClassificationRecord[]> {
  return parseClassificationJsonl(await readTextFile(path), path);
}

// ---------------------------------------------------------------------------------------------
// Writing

export interface NerJsonlWriteOptions {
  /** Format of every record; by default each document's own (if read from JSONL), else Prodigy. */
  format?: NerJsonlFormat;
}

export function formatNerJsonl(documents: readonly (NerDocument | JsonlNerDocument)[], options: NerJsonlWriteOptions = {}): string {
  return documents.map((document) => JSON.stringify(nerRecord(document, options.format)) + '\n').join('');
}

export function formatClassificationJsonl(records: readonly (ClassificationRecord | JsonlClassificationRecord)[], options: { labelShape?: 'string' | 'array' } = {}): string {
  return records
    .map((r) => {
      const shape = options.labelShape ?? ('labelShape' in r ? r.labelShape : 'string');
      const record = withFields(sourceRecord(r), { text: r.text, label: shape === 'array' ? [r.label] : r.label });
      return JSON.stringify(record) + '\n';
    })
    .join('');
}

export async function writeNerJsonl(path: string, documents: readonly (NerDocument | JsonlNerDocument)[], options: NerJsonlWriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, formatNerJsonl(documents, options));
}

export async function writeClassificationJsonl(path: string, records: readonly (ClassificationRecord | JsonlClassificationRecord)[], options: { labelShape?: 'string' | 'array' } = {}): Promise<void> {
  await writeFileAtomic(path, formatClassificationJsonl(records, options));
}

function nerRecord(document: NerDocument | JsonlNerDocument, requested: NerJsonlFormat | undefined): JsonObject {
  const original = sourceRecord(document);
  const format = requested ?? ('format' in document ? document.format : 'prodigy');
  const offsets = offsetConverter(document.text);
  const toCodePoints = (span: Span) => {
    const start = offsets.toCodePoint(span.start);
    const end = offsets.toCodePoint(span.end);
    if (start === undefined || end === undefined) {
      throw new InputError(document.id, undefined, `span ${span.start}..${span.end} ${span.label} is outside the text or splits a character`);
    }
    return { start, end };
  };
  if (format === 'prodigy') {
    // Keep Prodigy's per-span fields (token_start, ...) for spans that did not change.
    const originalSpans = Array.isArray(original.spans) ? (original.spans as JsonObject[]) : [];
    const spans = document.spans.map((span) => {
      const { start, end } = toCodePoints(span);
      const same = originalSpans.find((s) => s && s.start === start && s.end === end && s.label === span.label);
      return same ? { ...same } : { start, end, label: span.label };
    });
    const record = withFields(original, spans.length === 0 && !('spans' in original) ? { text: document.text } : { text: document.text, spans });
    if (Array.isArray(record.label) && record.label.every(Array.isArray)) delete record.label;
    return record;
  }
  const label = document.spans.map((span) => {
    const { start, end } = toCodePoints(span);
    return [start, end, span.label];
  });
  const record = withFields(original, { text: document.text, label });
  delete record.spans;
  return record;
}

function sourceRecord(item: object): JsonObject {
  return 'source' in item ? ((item as { source: JsonlSource }).source.record ?? {}) : {};
}

/** A copy of `record` with `fields` set in place (existing keys keep their position). */
function withFields(record: JsonObject, fields: JsonObject): JsonObject {
  return { ...record, ...fields };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 40 ? `${json.slice(0, 37)}...` : json;
}
