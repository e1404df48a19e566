// CoNLL token-per-line files <-> documents with character spans.
// One sentence (a block between blank lines) becomes one NerDocument whose text is its tokens joined by
// single spaces; spans are UTF-16 offsets. -DOCSTART- lines only separate, they carry no tokens and are
// not written back. Input may use LF or CRLF; output uses LF unless `eol` says otherwise.
import { writeFileAtomic } from '../../util/atomicWrite.js';
import { readTextFile } from '../../util/readTextFile.js';
import { canEnd, canFollow, parseTag, spansToTags, tagsToSpans, TagSequenceError, type TagScheme, type TokenSpan } from './tagSchemes.js';
import { InputError, type NerDocument, type Span } from '../types.js';
import { describeSpan } from '../validate.js';

export interface ConllReadOptions {
  /** Tag scheme of the file; IOB2 unless given. */
  scheme?: TagScheme;
  /** 0-based column holding the tag; negative counts from the end. Default -1, the last column. */
  tagColumn?: number;
  /** Reject tag sequences that are not the scheme's canonical form (default), or repair them as conlleval does. */
  strict?: boolean;
  /**
   * A tag such as "B-corporation,B-person" (WNUT-17's test split has them): 'error' (default) reports it,
   * 'first' keeps the first alternative that keeps the sequence valid (the first one if none does).
   */
  multiTag?: 'error' | 'first';
}

export interface ConllSentence {
  tokens: string[];
  tags: string[];
  /** 1-based line of each token. */
  lines: number[];
}

export interface ConllWriteOptions {
  scheme?: TagScheme;
  /** Column separator; a tab unless given. */
  separator?: '\t' | ' ';
  eol?: '\n' | '\r\n';
}

const DOCSTART = '-DOCSTART-';
const BLANK = /^\p{White_Space}*$/u;
const WHITESPACE = /\p{White_Space}/u;
const WORD = /[^\p{White_Space}]+/gu;

/** Reads the sentences of a CoNLL file: tokens, their tags as written (after multiTag) and their lines. */
export function parseConllSentences(text: string, file: string, options: ConllReadOptions = {}): ConllSentence[] {
  const scheme = options.scheme ?? 'IOB2';
  const tagColumn = options.tagColumn ?? -1;
  const sentences: ConllSentence[] = [];
  let current: ConllSentence = { tokens: [], tags: [], lines: [] };
  let alternatives: string[][] = [];
  let columns: { count: number; line: number } | null = null;
  const finish = () => {
    if (current.tokens.length > 0) {
      current.tags = chooseAlternatives(alternatives, scheme);
      sentences.push(current);
    }
    current = { tokens: [], tags: [], lines: [] };
    alternatives = [];
  };

  const rows = text.replace(/^\uFEFF/, '').split('\n');
  if (rows.length > 0 && rows[rows.length - 1] === '') rows.pop();
  for (let r = 0; r < rows.length; r++) {
    const line = r + 1;
    const row = rows[r].endsWith('\r') ? rows[r].slice(0, -1) : rows[r];
    if (BLANK.test(row)) {
      finish();
      continue;
    }
    const cells = row.includes('\t') ? row.split('\t') : row.trim().split(/ +/);
    const token = cells[0];
    if (token === DOCSTART) {
      finish();
      continue;
    }
    if (columns === null) columns = { count: cells.length, line };
    else if (cells.length !== columns.count) {
      throw new InputError(file, line, `found ${cells.length} columns where line ${columns.line} has ${columns.count}`);
    }
    const index = tagColumn < 0 ? cells.length + tagColumn : tagColumn;
    if (cells.length < 2 || index < 1 || index >= cells.length) {
      throw new InputError(file, line, `expected a token and a tag ${columnName(tagColumn)}, found ${cells.length} column${cells.length === 1 ? '' : 's'}`);
    }
    if (token.length === 0) throw new InputError(file, line, 'the token column is empty');
    const space = WHITESPACE.exec(token);
    if (space) throw new InputError(file, line, `token "${token}" contains whitespace (U+${codePoint(space[0])})`);
    current.tokens.push(token);
    alternatives.push(readTag(cells[index].trim(), scheme, options.multiTag ?? 'error', file, line));
    current.lines.push(line);
  }
  finish();
  return sentences;
}

export function parseConll(text: string, file: string, options: ConllReadOptions = {}): NerDocument[] {
  const scheme = options.scheme ?? 'IOB2';
  return parseConllSentences(text, file, options).map((sentence) => {
    let spans: TokenSpan[];
    try {
      spans = tagsToSpans(sentence.tags, scheme, { strict: options.strict ?? true });
    } catch (error) {
      if (error instanceof TagSequenceError) throw new InputError(file, sentence.lines[error.index], error.problem);
      throw error;
    }
    return sentenceToDocument(sentence, spans, `${file}:${sentence.lines[0]}`);
  });
}

export async function readConll(path: string, options: ConllReadOptions = {}): Promise<NerDocument[]> {
  return parseConll(await readTextFile(path), path, options);
}

function sentenceToDocument(sentence: ConllSentence, spans: TokenSpan[], id: string): NerDocument {
  const starts: number[] = [];
  let offset = 0;
  for (const token of sentence.tokens) {
    starts.push(offset);
    offset += token.length + 1;
  }
  const charSpans: Span[] = spans.map(({ start, end, label }) => ({
    start: starts[start],
    end: starts[end - 1] + sentence.tokens[end - 1].length,
    label,
  }));
  return { id, text: sentence.tokens.join(' '), spans: charSpans };
}

/** The tag, or its alternatives when it is a comma-separated list of tags. */
function readTag(tag: string, scheme: TagScheme, multiTag: 'error' | 'first', file: string, line: number): string[] {
  if (tag.length === 0) throw new InputError(file, line, 'the tag column is empty');
  if (!tag.includes(',')) return [tag];
  const alternatives = tag.split(',');
  if (!alternatives.every((t) => parseTag(t, scheme))) return [tag];
  if (multiTag === 'first') return alternatives;
  throw new InputError(file, line, `tag "${tag}" holds ${alternatives.length} tags (read with multiTag 'first' to keep the first)`);
}

// The valid sequence that prefers earlier alternatives at earlier tokens: a backward pass marks which
// alternatives can still reach a valid sentence end, a forward pass takes the first reachable one.
function chooseAlternatives(alternatives: string[][], scheme: TagScheme): string[] {
  if (alternatives.every((options) => options.length === 1)) return alternatives.map((options) => options[0]);
  const n = alternatives.length;
  const completes: boolean[][] = new Array(n);
  for (let i = n - 1; i >= 0; i--) {
    completes[i] = alternatives[i].map((tag) =>
      i === n - 1 ? canEnd(tag, scheme) : alternatives[i + 1].some((next, k) => completes[i + 1][k] && canFollow(tag, next, scheme)),
    );
  }
  const chosen: string[] = [];
  for (let i = 0; i < n; i++) {
    const previous = i === 0 ? 'O' : chosen[i - 1];
    const k = alternatives[i].findIndex((tag, k) => completes[i][k] && canFollow(previous, tag, scheme));
    if (k < 0) return alternatives.map((options) => options[0]);
    chosen.push(alternatives[i][k]);
  }
  return chosen;
}

/** Words of a document and the token spans of its character spans; errors name the document and span. */
export function documentToTokens(document: NerDocument): { tokens: string[]; spans: TokenSpan[] } {
  const tokens: string[] = [];
  const wordAtStart = new Map<number, number>();
  const wordAtEnd = new Map<number, number>();
  for (const match of document.text.matchAll(WORD)) {
    wordAtStart.set(match.index, tokens.length);
    wordAtEnd.set(match.index + match[0].length, tokens.length);
    tokens.push(match[0]);
  }
  const spans = document.spans.map((span) => {
    const first = wordAtStart.get(span.start);
    const last = wordAtEnd.get(span.end);
    if (first === undefined || last === undefined || last < first) {
      throw new InputError(document.id, undefined, `span ${describeSpan(document, span)} does not fall on word boundaries`);
    }
    if (!/^[^\p{White_Space}]+$/u.test(span.label)) {
      throw new InputError(document.id, undefined, `span ${describeSpan(document, span)} has a label that is empty or contains whitespace`);
    }
    return { start: first, end: last + 1, label: span.label };
  });
  const byStart = [...document.spans].sort((a, b) => a.start - b.start);
  for (let k = 1; k < byStart.length; k++) {
    const previous = byStart[k - 1];
    const span = byStart[k];
    if (span.start < previous.end) {
      throw new InputError(document.id, undefined, `span ${describeSpan(document, span)} overlaps span ${describeSpan(document, previous)}`);
    }
  }
  return { tokens, spans };
}

export function formatConll(documents: readonly NerDocument[], options: ConllWriteOptions = {}): string {
  const scheme = options.scheme ?? 'IOB2';
  const separator = options.separator ?? '\t';
  const eol = options.eol ?? '\n';
  const out: string[] = [];
  for (const document of documents) {
    const { tokens, spans } = documentToTokens(document);
    if (tokens.length === 0) throw new InputError(document.id, undefined, 'has no words; CoNLL cannot hold an empty sentence');
    if (tokens.includes(DOCSTART)) throw new InputError(document.id, undefined, `has the word ${DOCSTART}, which CoNLL reads as a document marker`);
    const tags = spansToTags(tokens.length, spans, scheme);
    tokens.forEach((token, i) => out.push(`${token}${separator}${tags[i]}${eol}`));
    out.push(eol);
  }
  return out.join('');
}

export async function writeConll(path: string, documents: readonly NerDocument[], options: ConllWriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, formatConll(documents, options));
}

function codePoint(char: string): string {
  return char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
}

/** tagColumn as a person counts columns (from 1). */
function columnName(tagColumn: number): string {
  if (tagColumn === -1) return 'in the last column';
  return tagColumn < 0 ? `in column ${-tagColumn} from the end` : `in column ${tagColumn + 1}`;
}
