// Dataset checks before training or evaluation. Every problem is an InputError naming the file and line
// where the readers know them (their document ids are "<file>:<line>"), else the document id.
import { InputError, type ClassificationRecord, type NerDocument, type SourceLocation, type Span } from './types.js';

export interface NerValidationOptions {
  /** The dataset's file, named by dataset-wide problems (empty dataset, no entities). */
  file: string;
  /** When given, a span with another label is reported. */
  labels?: readonly string[];
  /** A dev or test set must hold entities, or its entity F1 means nothing. */
  role?: 'train' | 'dev' | 'test';
  /** Where a document came from; by default read from ids of the form "<file>:<line>". */
  locate?: (document: NerDocument) => SourceLocation | undefined;
}

/** Every problem found, in document order; empty when the dataset is fine. */
export function validateNerDocuments(documents: readonly NerDocument[], options: NerValidationOptions): InputError[] {
  const issues: InputError[] = [];
  if (documents.length === 0) return [new InputError(options.file, undefined, 'the dataset is empty')];
  const known = options.labels ? new Set(options.labels) : undefined;
  let entities = 0;
  for (const document of documents) {
    const where = (options.locate ?? locationFromId)(document) ?? { file: document.id, line: undefined };
    const report = (problem: string) => issues.push(new InputError(where.file, where.line, problem));
    const text = document.text;
    const inRange: Span[] = [];
    for (const span of document.spans) {
      entities++;
      const name = describeSpan(document, span);
      if (!Number.isInteger(span.start) || !Number.isInteger(span.end) || span.start < 0 || span.end > text.length) {
        report(`span ${span.start}..${span.end} ${span.label} is outside the text (${text.length} characters)`);
        continue;
      }
      if (span.start >= span.end) {
        report(span.start === span.end ? `span ${name} is empty` : `span ${span.start}..${span.end} ${span.label} ends before it starts`);
        continue;
      }
      if (splitsSurrogatePair(text, span.start) || splitsSurrogatePair(text, span.end)) {
        report(`span ${name} starts or ends inside a character`);
      }
      if (known && !known.has(span.label)) {
        report(`span ${name} has label "${span.label}", which is not one of ${[...known].join(', ')}`);
      }
      inRange.push(span);
    }
    const byStart = inRange.sort((a, b) => a.start - b.start || a.end - b.end);
    let furthest: Span | undefined;
    for (const span of byStart) {
      if (furthest && span.start < furthest.end) report(`span ${describeSpan(document, span)} overlaps span ${describeSpan(document, furthest)}`);
      if (!furthest || span.end > furthest.end) furthest = span;
    }
  }
  if (entities === 0 && (options.role === 'dev' || options.role === 'test')) {
    issues.push(new InputError(options.file, undefined, `the ${options.role} set has no entities, so its entity F1 would mean nothing`));
  }
  return issues;
}

export interface ClassificationValidationOptions {
  file: string;
  labels?: readonly string[];
  locate?: (record: ClassificationRecord) => SourceLocation | undefined;
}

export function validateClassificationRecords(records: readonly ClassificationRecord[], options: ClassificationValidationOptions): InputError[] {
  if (records.length === 0) return [new InputError(options.file, undefined, 'the dataset is empty')];
  const known = options.labels ? new Set(options.labels) : undefined;
  const issues: InputError[] = [];
  for (const record of records) {
    const where = (options.locate ?? locationFromId)(record) ?? { file: record.id, line: undefined };
    if (record.text.trim() === '') issues.push(new InputError(where.file, where.line, 'the text is empty'));
    if (known && !known.has(record.label)) {
      issues.push(new InputError(where.file, where.line, `label "${record.label}" is not one of ${[...known].join(', ')}`));
    }
  }
  return issues;
}

/** Throws the first problem, for callers that stop at one. */
export function assertValid(issues: readonly InputError[]): void {
  if (issues.length > 0) throw issues[0];
}

/** The readers' ids are "<file>:<line>"; other ids name no line. */
export function locationFromId(item: { id: string }): SourceLocation | undefined {
  const match = /^(.+):(\d+)$/.exec(item.id);
  return match ? { file: match[1], line: Number(match[2]) } : undefined;
}

export function describeSpan(document: NerDocument, span: Span): string {
  return `${span.start}..${span.end} ${span.label} "${document.text.slice(span.start, span.end)}"`;
}

function splitsSurrogatePair(text: string, offset: number): boolean {
  const before = text.charCodeAt(offset - 1);
  const after = text.charCodeAt(offset);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}
