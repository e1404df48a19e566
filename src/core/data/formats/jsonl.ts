// JSON Lines datasets: Prodigy and doccano entity records (doccano's older "label" and newer "entities" shapes),
// doccano and plain classification records, single texts or sentence pairs. Offsets in these files are Python
// code point offsets; documents here use UTF-16 offsets, so both directions convert. Each record's other fields
// are kept and written back in their original order (jsonlWrite.ts).
import { readTextFile } from '../../util/readTextFile.js';
import { offsetConverter } from './codePointOffsets.js';
import { InputError, type ClassificationRecord, type NerDocument, type Span } from '../types.js';
import { locationFromId } from '../validate.js';

/**
 * Prodigy: {"text", "spans": [{"start", "end", "label"}]}; doccano: {"text", "label": [[start, end, label]]};
 * doccano-entities (doccano >= 1.6 "JSONL (relation)" export): {"text", "entities": [{"id", "label",
 * "start_offset", "end_offset"}], "relations": [...]}.
 */
export type NerJsonlFormat = 'prodigy' | 'doccano' | 'doccano-entities';
export const NER_JSONL_FORMATS: readonly NerJsonlFormat[] = ['prodigy', 'doccano', 'doccano-entities'];

/** The JSON field of a record's text, and of its second text when it is a sentence pair. */
export type TextFieldNames = 'text' | 'sentence1' | 'premise';
/** Hugging Face's tokenizer argument (text, text_pair) first, then the GLUE namings. */
export const PAIR_FIELD_OF: Readonly<Record<TextFieldNames, string>> = { text: 'text_pair', sentence1: 'sentence2', premise: 'hypothesis' };
const TEXT_FIELDS = Object.keys(PAIR_FIELD_OF) as TextFieldNames[];

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
  /** Which naming held the text(s): text/text_pair, sentence1/sentence2 or premise/hypothesis. */
  textFields: TextFieldNames;
  source: JsonlSource;
}

/** An unlabelled record to predict: a text, or a sentence pair. */
export interface JsonlTextInput {
  text: string;
  textPair?: string;
  textFields: TextFieldNames;
  source: JsonlSource;
}

export interface NerJsonlReadOptions {
  /** When given, a span with another label is an error naming its file and line. */
  labels?: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Reading

function* jsonRecords(text: string, file: string, requireText = true): Generator<{ record: JsonObject; line: number }> {
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
    if (requireText && typeof record.text !== 'string') throw new InputError(file, line, `"text" must be a string, found ${describe(record.text)}`);
    yield { record, line };
  }
}

export function parseNerJsonl(text: string, file: string, options: NerJsonlReadOptions = {}): JsonlNerDocument[] {
  const documents: JsonlNerDocument[] = [];
  const known = options.labels ? new Set(options.labels) : undefined;
  for (const { record, line } of jsonRecords(text, file)) {
    const recordText = record.text as string;
    const offsets = offsetConverter(recordText);
    const toUtf16 = (value: unknown, what: string, index: number, label: string, item = 'span'): number => {
      if (value === undefined) throw new InputError(file, line, `${item} ${index} (${label}): "${what}" is missing`);
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        throw new InputError(file, line, `${item} ${index} (${label}): "${what}" must be an integer, found ${describe(value)}`);
      }
      const converted = offsets.toUtf16(value);
      if (converted === undefined) {
        throw new InputError(file, line, `${item} ${index} (${label}): ${what} ${value} is outside the text (${offsets.codePointLength} characters)`);
      }
      return converted;
    };
    const readLabel = (value: unknown, index: number, item = 'span'): string => {
      if (typeof value !== 'string' || value === '')
        throw new InputError(file, line, `${item} ${index}: the label must be a non-empty string, found ${describe(value)}`);
      if (known && !known.has(value)) throw new InputError(file, line, `${item} ${index}: label "${value}" is not one of ${[...known].join(', ')}`);
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
    } else if ('entities' in record) {
      format = 'doccano-entities';
      if (!Array.isArray(record.entities)) throw new InputError(file, line, `"entities" must be a list, found ${describe(record.entities)}`);
      spans = record.entities.map((entity: unknown, i: number) => {
        if (typeof entity !== 'object' || entity === null || Array.isArray(entity)) {
          throw new InputError(file, line, `entity ${i}: expected an object with start_offset, end_offset and label, found ${describe(entity)}`);
        }
        const { start_offset, end_offset, label } = entity as JsonObject;
        const name = readLabel(label, i, 'entity');
        const start = toUtf16(start_offset, 'start_offset', i, name, 'entity');
        const end = toUtf16(end_offset, 'end_offset', i, name, 'entity');
        if (end < start)
          throw new InputError(file, line, `entity ${i} (${name}): end_offset ${String(end_offset)} is before start_offset ${String(start_offset)}`);
        return { start, end, label: name };
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

/** The text, and the second text of a pair, under one of the namings of PAIR_FIELD_OF. */
function readTexts(record: JsonObject, file: string, line: number): { text: string; textPair?: string; textFields: TextFieldNames } {
  const namings = TEXT_FIELDS.filter((first) => first in record || PAIR_FIELD_OF[first] in record);
  if (namings.length === 0) throw new InputError(file, line, `"text" must be a string, found nothing`);
  if (namings.length > 1) {
    const fields = namings.map((n) => (n in record ? n : PAIR_FIELD_OF[n]));
    throw new InputError(
      file,
      line,
      `mixes "${fields[0]}" and "${fields[1]}"; a record uses one naming: text/text_pair, sentence1/sentence2 or premise/hypothesis`,
    );
  }
  const textFields = namings[0];
  const pairField = PAIR_FIELD_OF[textFields];
  const text = record[textFields];
  if (typeof text !== 'string')
    throw new InputError(
      file,
      line,
      `"${textFields}" must be a string, found ${describe(text)}${text === undefined ? ` (a record with "${pairField}" needs "${textFields}" too)` : ''}`,
    );
  if (!(pairField in record)) return { text, textFields };
  const textPair = record[pairField];
  if (typeof textPair !== 'string') throw new InputError(file, line, `"${pairField}" must be a string, found ${describe(textPair)}`);
  return { text, textPair, textFields };
}

/**
 * Throws at the first record whose kind (single text or sentence pair) differs from the first record's, naming both
 * places; returns whether the records are pairs (false for none).
 */
export function checkTextPairs(records: readonly ClassificationRecord[]): boolean {
  if (records.length === 0) return false;
  const first = records[0];
  const isPair = first.textPair !== undefined;
  const kind = (pair: boolean) => (pair ? 'a sentence pair' : 'a single text');
  for (const r of records) {
    if ((r.textPair !== undefined) === isPair) continue;
    const where = locationFromId(r) ?? { file: r.id, line: undefined };
    const firstWhere = locationFromId(first);
    const other = firstWhere ? (firstWhere.file === where.file ? `line ${firstWhere.line}` : `${firstWhere.file}:${firstWhere.line}`) : first.id;
    throw new InputError(
      where.file,
      where.line,
      `is ${kind(!isPair)}, but ${other} is ${kind(isPair)}; a dataset holds single texts or sentence pairs, not both`,
    );
  }
  return isPair;
}

export function parseClassificationJsonl(text: string, file: string): JsonlClassificationRecord[] {
  const records: JsonlClassificationRecord[] = [];
  for (const { record, line } of jsonRecords(text, file, false)) {
    const texts = readTexts(record, file, line);
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
    records.push({ id: `${file}:${line}`, ...texts, label, labelShape, source: { line, record } });
  }
  checkTextPairs(records);
  return records;
}

/** Unlabelled records to predict, {"text"} or a pair ({"text", "text_pair"} or a GLUE naming); any label is ignored. */
export function parseTextInputsJsonl(text: string, file: string): JsonlTextInput[] {
  const inputs: JsonlTextInput[] = [];
  for (const { record, line } of jsonRecords(text, file, false)) inputs.push({ ...readTexts(record, file, line), source: { line, record } });
  checkTextPairs(inputs.map((i) => ({ id: `${file}:${i.source.line}`, text: i.text, textPair: i.textPair, label: '' })));
  return inputs;
}

export async function readNerJsonl(path: string, options: NerJsonlReadOptions = {}): Promise<JsonlNerDocument[]> {
  return parseNerJsonl(await readTextFile(path), path, options);
}

export async function readClassificationJsonl(path: string): Promise<JsonlClassificationRecord[]> {
  return parseClassificationJsonl(await readTextFile(path), path);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 40 ? `${json.slice(0, 37)}...` : json;
}
