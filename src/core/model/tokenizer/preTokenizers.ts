// Pre-tokenizers of Hugging Face `tokenizers`: they cut a normalised string into words (keeping spans).

import { toByteLevel } from './byteLevel';
import type { JsonValue } from './jsonValue';
import { type NormalizedString, codePoints } from './normalizedString';
import { isBertPunctuation, isWhitespace } from './unicode';

/** Cuts one piece into words; empty words are dropped by the caller. */
export type PreTokenizer = (piece: NormalizedString) => NormalizedString[];

/** Splits at characters for which `isDelimiter` holds; delimiters are dropped or kept as words of their own. */
function splitOnChars(piece: NormalizedString, isDelimiter: (cp: number) => boolean, keepDelimiters: boolean): NormalizedString[] {
  const out: NormalizedString[] = [];
  let start = 0;
  for (let i = 0; i < piece.length; i++) {
    if (!isDelimiter(piece.chars[i])) continue;
    if (i > start) out.push(piece.slice(start, i));
    if (keepDelimiters) out.push(piece.slice(i, i + 1));
    start = i + 1;
  }
  if (piece.length > start) out.push(piece.slice(start, piece.length));
  return out;
}

/** The words `pattern` (global, unicode) matches; with keepGaps, the text between matches too. */
function splitOnMatches(piece: NormalizedString, pattern: RegExp, keepGaps: boolean): NormalizedString[] {
  const text = piece.toString();
  // UTF-16 index -> character index; text was built from piece.chars, one code point each.
  const charAt = new Int32Array(text.length + 1);
  for (let i = 0, unit = 0; i < piece.length; i++) {
    charAt[unit] = i;
    unit += piece.chars[i] > 0xffff ? 2 : 1;
  }
  charAt[text.length] = piece.length;
  const out: NormalizedString[] = [];
  let last = 0;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    if (m[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    const from = charAt[m.index];
    const to = charAt[m.index + m[0].length];
    if (keepGaps && from > last) out.push(piece.slice(last, from));
    out.push(piece.slice(from, to));
    last = to;
  }
  if (keepGaps && piece.length > last) out.push(piece.slice(last, piece.length));
  return out;
}

export const bertPreTokenizer: PreTokenizer = (piece) =>
  splitOnChars(piece, isWhitespace, false).flatMap((word) => splitOnChars(word, isBertPunctuation, true));

export const whitespaceSplit: PreTokenizer = (piece) => splitOnChars(piece, isWhitespace, false);

const WORD_OR_SYMBOLS = /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]+|[^\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}\p{White_Space}]+/gu;

/** `\w+|[^\w\s]+` with Unicode's \w (UTS #18): runs of word characters and runs of other non-space characters. */
export const whitespace: PreTokenizer = (piece) => splitOnMatches(piece, WORD_OR_SYMBOLS, false);

const GPT2_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;

export interface ByteLevelOptions {
  addPrefixSpace: boolean;
  useRegex: boolean;
}

export function byteLevel(options: ByteLevelOptions): PreTokenizer {
  return (piece) => {
    let text = piece;
    if (options.addPrefixSpace && text.length > 0 && text.chars[0] !== 0x20) text = text.prepend([0x20]);
    const words = options.useRegex ? splitOnMatches(text, GPT2_PATTERN, true) : [text];
    return words.map(toByteLevel);
  };
}

/** What a split does with each delimiter character (`tokenizers`' SplitDelimiterBehavior). */
export type DelimiterBehavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';
const BEHAVIORS: readonly DelimiterBehavior[] = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'];

/** Splits at each delimiter character, each one a match of its own, as `tokenizers`' NormalizedString::split. */
function splitWithBehavior(piece: NormalizedString, isDelimiter: (cp: number) => boolean, behavior: DelimiterBehavior): NormalizedString[] {
  const runs: [number, number, boolean][] = [];
  let start = 0;
  for (let i = 0; i < piece.length; i++) {
    if (!isDelimiter(piece.chars[i])) continue;
    if (i > start) runs.push([start, i, false]);
    runs.push([i, i + 1, true]);
    start = i + 1;
  }
  if (piece.length > start) runs.push([start, piece.length, false]);
  const kept: [number, number][] = [];
  if (behavior === 'MergedWithNext') {
    let nextIsMatch = false;
    for (let r = runs.length - 1; r >= 0; r--) {
      const [from, to, isMatch] = runs[r];
      if (isMatch && !nextIsMatch && kept.length > 0) kept[kept.length - 1][0] = from;
      else kept.push([from, to]);
      nextIsMatch = isMatch;
    }
    kept.reverse();
  } else {
    let previousIsMatch = false;
    for (const [from, to, isMatch] of runs) {
      const last = kept[kept.length - 1];
      if (behavior === 'Removed' && isMatch) continue;
      if (last && behavior === 'MergedWithPrevious' && isMatch && !previousIsMatch) last[1] = to;
      else if (last && behavior === 'Contiguous' && isMatch === previousIsMatch) last[1] = to;
      else kept.push([from, to]);
      previousIsMatch = isMatch;
    }
  }
  return kept.map(([from, to]) => piece.slice(from, to));
}

/** Punctuation (ASCII punctuation or Unicode P*) split off as `behavior` says (DeBERTa's split_by_punct). */
export function punctuation(behavior: DelimiterBehavior): PreTokenizer {
  return (piece) => splitWithBehavior(piece, isBertPunctuation, behavior);
}

export type PrependScheme = 'always' | 'first' | 'never';

export interface MetaspaceOptions {
  /** The character that stands for a space ('▁'). */
  replacement: number;
  /** Prepend a replacement to each piece (always), to the piece at the start of the text (first), or never. */
  prependScheme: PrependScheme;
  /** Cut before every replacement character. */
  split: boolean;
}

/** SentencePiece's pre-tokenizer: spaces become '▁', a '▁' is prepended, words start at each '▁'. */
export function metaspace(options: MetaspaceOptions): PreTokenizer {
  const { replacement, prependScheme } = options;
  return (piece) => {
    let text = piece.flatMap((cp) => (cp === 0x20 ? replacement : cp));
    const prepend = text.length > 0 && text.chars[0] !== replacement && (prependScheme === 'always' || (prependScheme === 'first' && piece.starts[0] === 0));
    if (prepend) text = text.prependOnFirst([replacement]);
    if (!options.split) return [text];
    const words: NormalizedString[] = [];
    let start = 0;
    for (let i = 1; i < text.length; i++) {
      if (text.chars[i] !== replacement) continue;
      words.push(text.slice(start, i));
      start = i;
    }
    if (text.length > start) words.push(text.slice(start, text.length));
    return words;
  };
}

export function sequence(preTokenizers: PreTokenizer[]): PreTokenizer {
  return (piece) => {
    let pieces = [piece];
    for (const split of preTokenizers) pieces = pieces.flatMap((p) => split(p).filter((word) => word.length > 0));
    return pieces;
  };
}

/** The pre-tokenizer a tokenizer.json describes; undefined for null. */
export function preTokenizerFromJson(json: JsonValue): PreTokenizer | undefined {
  if (json.isNull) return undefined;
  const type = json.get('type').string();
  switch (type) {
    case 'BertPreTokenizer':
      return bertPreTokenizer;
    case 'Whitespace':
      return whitespace;
    case 'WhitespaceSplit':
      return whitespaceSplit;
    case 'ByteLevel':
      return byteLevel({
        addPrefixSpace: json.get('add_prefix_space').boolean(true),
        useRegex: json.get('use_regex').boolean(true),
      });
    case 'Metaspace':
      return metaspace(metaspaceOptions(json));
    case 'Punctuation': {
      const behavior = json.get('behavior').optionalString() ?? 'Isolated';
      if (!(BEHAVIORS as readonly string[]).includes(behavior)) json.get('behavior').fail(`expected one of ${BEHAVIORS.join(', ')}, found "${behavior}"`);
      return punctuation(behavior as DelimiterBehavior);
    }
    case 'Sequence':
      return sequence(
        json
          .get('pretokenizers')
          .items()
          .map((item) => preTokenizerFromJson(item) ?? ((p) => [p])),
      );
    default:
      return json
        .get('type')
        .fail(
          `pre_tokenizer '${type}' is not supported (supported: BertPreTokenizer, Whitespace, WhitespaceSplit, ByteLevel, Metaspace, Punctuation, Sequence)`,
        );
  }
}

/** Metaspace's fields, the legacy {"add_prefix_space": bool} included (false means prepend_scheme never). */
function metaspaceOptions(json: JsonValue): MetaspaceOptions {
  const replacement = codePoints(json.get('replacement').string());
  if (replacement.length !== 1) json.get('replacement').fail('expected one character');
  const declared = json.get('prepend_scheme').optionalString();
  if (declared !== undefined && declared !== 'always' && declared !== 'first' && declared !== 'never') {
    json.get('prepend_scheme').fail(`expected "always", "first" or "never", found "${declared}"`);
  }
  const prependScheme: PrependScheme = (declared as PrependScheme | undefined) ?? 'always';
  // As `tokenizers` reads it: add_prefix_space false needs prepend_scheme "never" beside it.
  if (json.get('add_prefix_space').optionalBoolean() === false && prependScheme !== 'never') {
    json.get('add_prefix_space').fail(`false does not match prepend_scheme "${prependScheme}"`);
  }
  return { replacement: replacement[0], prependScheme, split: json.get('split').boolean(true) };
}
