// Writing JSON Lines datasets in the shapes jsonl.ts reads: each record's other fields are kept in their
// original order, Prodigy per-span fields and doccano entity ids survive for spans that did not change, and
// offsets go back to Python code points.
import { isObject } from '../../util/isObject.js';
import { writeFileAtomic } from '../../util/atomicWrite.js';
import { offsetConverter } from './codePointOffsets.js';
import {
  PAIR_FIELD_OF,
  type JsonObject,
  type JsonlClassificationRecord,
  type JsonlNerDocument,
  type JsonlSource,
  type NerJsonlFormat,
  type TextFieldNames,
} from './jsonl.js';
import { InputError, type ClassificationRecord, type NerDocument, type Span } from '../types.js';

export interface NerJsonlWriteOptions {
  /** Format of every record; by default each document's own (if read from JSONL), else Prodigy. */
  format?: NerJsonlFormat;
}

export function formatNerJsonl(documents: readonly (NerDocument | JsonlNerDocument)[], options: NerJsonlWriteOptions = {}): string {
  return documents.map((document) => JSON.stringify(nerRecord(document, options.format)) + '\n').join('');
}

export interface ClassificationJsonlWriteOptions {
  /** By default each record's own (if read from JSONL), else "string". */
  labelShape?: 'string' | 'array';
  /** The naming of the text(s); by default each record's own (if read from JSONL), else text/text_pair. */
  textFields?: TextFieldNames;
}

export function formatClassificationJsonl(
  records: readonly (ClassificationRecord | JsonlClassificationRecord)[],
  options: ClassificationJsonlWriteOptions = {},
): string {
  return records.map((r) => JSON.stringify(classificationRecord(r, options)) + '\n').join('');
}

function classificationRecord(r: ClassificationRecord | JsonlClassificationRecord, options: ClassificationJsonlWriteOptions): JsonObject {
  const shape = options.labelShape ?? ('labelShape' in r ? r.labelShape : 'string');
  const read = 'textFields' in r ? r.textFields : 'text';
  const fields = options.textFields ?? read;
  const label = shape === 'array' ? [r.label] : r.label;
  const texts: JsonObject = r.textPair === undefined ? { [fields]: r.text } : { [fields]: r.text, [PAIR_FIELD_OF[fields]]: r.textPair };
  const original = sourceRecord(r);
  if (fields === read) {
    const record = withFields(original, { ...texts, label });
    if (r.textPair === undefined) delete record[PAIR_FIELD_OF[fields]];
    return record;
  }
  // Renamed (e.g. sentence1/sentence2 -> text/text_pair): the texts lead, as in the records this module writes.
  const rest = { ...original };
  delete rest[read];
  delete rest[PAIR_FIELD_OF[read]];
  return { ...texts, ...withFields(rest, { label }) };
}

export async function writeNerJsonl(path: string, documents: readonly (NerDocument | JsonlNerDocument)[], options: NerJsonlWriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, formatNerJsonl(documents, options));
}

export async function writeClassificationJsonl(
  path: string,
  records: readonly (ClassificationRecord | JsonlClassificationRecord)[],
  options: ClassificationJsonlWriteOptions = {},
): Promise<void> {
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
    // A record read as annotated (with no entities) stays annotated; plain text stays waiting for annotation.
    const annotated = 'spans' in original || 'entities' in original || (Array.isArray(original.label) && original.label.every(Array.isArray));
    const record = withFields(original, spans.length === 0 && !annotated ? { text: document.text } : { text: document.text, spans });
    if (Array.isArray(record.label) && record.label.every(Array.isArray)) delete record.label;
    return withoutEntities(record);
  }
  if (format === 'doccano-entities') return doccanoEntitiesRecord(document, original, toCodePoints);
  const label = document.spans.map((span) => {
    const { start, end } = toCodePoints(span);
    return [start, end, span.label];
  });
  const record = withFields(original, { text: document.text, label });
  delete record.spans;
  return withoutEntities(record);
}

/** doccano's relations name entities by id: they go with the entities when a record leaves that shape. */
function withoutEntities(record: JsonObject): JsonObject {
  if (!('entities' in record)) return record;
  delete record.entities;
  if (Array.isArray(record.relations)) delete record.relations;
  return record;
}

function doccanoEntitiesRecord(document: NerDocument, original: JsonObject, toCodePoints: (span: Span) => { start: number; end: number }): JsonObject {
  // Entities that did not change keep their id and other fields, so that relations still point at them.
  const originalEntities = Array.isArray(original.entities) ? (original.entities as unknown[]).filter(isObject) : [];
  const ids = originalEntities.map((e) => e.id).filter((id): id is number => typeof id === 'number' && Number.isFinite(id));
  let nextId = ids.length > 0 ? Math.max(...ids) + 1 : 1;
  const used = new Set<JsonObject>();
  const entities = document.spans.map((span) => {
    const { start, end } = toCodePoints(span);
    const same = originalEntities.find((e) => !used.has(e) && e.start_offset === start && e.end_offset === end && e.label === span.label);
    if (same) {
      used.add(same);
      return { ...same };
    }
    return { id: nextId++, label: span.label, start_offset: start, end_offset: end };
  });
  const record = withFields(original, { text: document.text, entities });
  delete record.spans;
  if (Array.isArray(record.label) && record.label.every(Array.isArray)) delete record.label;
  if (Array.isArray(original.relations)) {
    // A relation to an entity that is gone would not import into doccano.
    const removed = new Set(originalEntities.filter((e) => !used.has(e)).map((e) => e.id));
    const dangling = (r: unknown) => typeof r === 'object' && r !== null && (removed.has((r as JsonObject).from_id) || removed.has((r as JsonObject).to_id));
    record.relations = original.relations.filter((r) => !dangling(r));
  } else if (!('entities' in original) && !('relations' in original)) {
    record.relations = [];
  }
  return record;
}

function sourceRecord(item: object): JsonObject {
  return 'source' in item ? ((item as { source: JsonlSource }).source.record ?? {}) : {};
}

/** A copy of `record` with `fields` set in place (existing keys keep their position). */
function withFields(record: JsonObject, fields: JsonObject): JsonObject {
  return { ...record, ...fields };
}
