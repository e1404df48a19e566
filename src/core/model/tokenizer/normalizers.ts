// Normalizers of Hugging Face `tokenizers`, each keeping every character's original span.

import type { JsonValue } from './jsonValue';
import { NormalizedString, NormalizedStringBuilder, codePoints } from './normalizedString';
import { precompiledFromJson } from './precompiled';
import { isBertControl, isChineseChar, isMark, isNonspacingMark, isWhitespace } from './unicode';

export type Normalizer = (text: NormalizedString) => NormalizedString;

export interface BertNormalizerOptions {
  cleanText: boolean;
  handleChineseChars: boolean;
  /** null: strip accents exactly when lowercasing (BERT's rule). */
  stripAccents: boolean | null;
  lowercase: boolean;
}

const SPACE = 0x20;

export function bertNormalizer(options: BertNormalizerOptions): Normalizer {
  const stripAccents = options.stripAccents ?? options.lowercase;
  return (text) => {
    if (isAscii(text)) return asciiBertNormalizer(text, options);
    let out = text;
    if (options.cleanText) {
      out = out.filter((cp) => cp !== 0 && cp !== 0xfffd && !isBertControl(cp)).flatMap((cp) => (isWhitespace(cp) ? SPACE : cp));
    }
    if (options.handleChineseChars) out = out.flatMap((cp) => (isChineseChar(cp) ? [SPACE, cp, SPACE] : cp));
    if (stripAccents) out = unicodeForm('NFD')(out).filter((cp) => !isNonspacingMark(cp));
    if (options.lowercase) out = lowercase(out);
    return out;
  };
}

function isAscii(text: NormalizedString): boolean {
  for (const cp of text.chars) if (cp >= 0x80) return false;
  return true;
}

/** The same steps in one pass for ASCII text (most of it): no CJK, no accents, case is A-Z. */
function asciiBertNormalizer(text: NormalizedString, options: BertNormalizerOptions): NormalizedString {
  const out = new NormalizedStringBuilder();
  const { chars, starts, ends } = text;
  for (let i = 0; i < chars.length; i++) {
    let cp = chars[i];
    if (options.cleanText) {
      if (cp === 0x09 || cp === 0x0a || cp === 0x0d) cp = SPACE;
      else if (cp < 0x20 || cp === 0x7f) continue;
    }
    if (options.lowercase && cp >= 0x41 && cp <= 0x5a) cp += 32;
    out.push(cp, starts[i], ends[i]);
  }
  return out.build();
}

export const lowercase: Normalizer = (text) =>
  text.flatMap((cp) => {
    if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? cp + 32 : cp;
    const lower = String.fromCodePoint(cp).toLowerCase();
    return lower.length === 1 ? lower.charCodeAt(0) : codePoints(lower);
  });

export const stripAccents: Normalizer = (text) => (isAscii(text) ? text : text.filter((cp) => !isMark(cp)));

export type UnicodeForm = 'NFC' | 'NFD' | 'NFKC' | 'NFKD';

/**
 * Unicode normalisation form `form`. A character decomposed into several takes them all; a composed
 * character takes the span of the first character it was composed from (the marks it absorbed are
 * removed), as `tokenizers` does. Composition is applied to a character with its following marks.
 */
export function unicodeForm(form: UnicodeForm): Normalizer {
  const decomposition = form === 'NFC' || form === 'NFD' ? 'NFD' : 'NFKD';
  const composing = form === 'NFC' || form === 'NFKC';
  return (text) => {
    if (isAscii(text)) return text;
    const { chars, starts, ends } = text;
    const out = new NormalizedStringBuilder();
    let i = 0;
    while (i < chars.length) {
      let end = i + 1;
      while (end < chars.length && composesWithPrevious(chars[end])) end++;
      if (end === i + 1) {
        const cp = chars[i];
        if (cp < 0x80) out.push(cp, starts[i], ends[i]);
        else for (const n of codePoints(String.fromCodePoint(cp).normalize(form))) out.push(n, starts[i], ends[i]);
      } else {
        normalizeCluster(text, i, end, form, decomposition, composing, out);
      }
      i = end;
    }
    return out.build();
  };
}

/** Marks, and the Hangul vowel and final jamo that compose with the syllable or jamo before them. */
function composesWithPrevious(cp: number): boolean {
  return (cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11a8 && cp <= 0x11c2) || isMark(cp);
}

function normalizeCluster(
  text: NormalizedString,
  from: number,
  to: number,
  form: UnicodeForm,
  decomposition: 'NFD' | 'NFKD',
  composing: boolean,
  out: NormalizedStringBuilder,
): void {
  const origin: number[] = [];
  let cluster = '';
  for (let k = from; k < to; k++) {
    const c = String.fromCodePoint(text.chars[k]);
    cluster += c;
    for (const _ of codePoints(c.normalize(decomposition))) origin.push(k);
  }
  const normalized = codePoints(cluster.normalize(form));
  let position = 0;
  for (const cp of normalized) {
    const k = origin[Math.min(position, origin.length - 1)];
    out.push(cp, text.starts[k], text.ends[k]);
    position += composing ? codePoints(String.fromCodePoint(cp).normalize(decomposition)).length : 1;
  }
}

/** Strips leading and/or trailing whitespace. */
export function strip(left: boolean, right: boolean): Normalizer {
  return (text) => {
    let from = 0;
    let to = text.length;
    if (left) while (from < to && isWhitespace(text.chars[from])) from++;
    if (right) while (to > from && isWhitespace(text.chars[to - 1])) to--;
    return from === 0 && to === text.length ? text : text.slice(from, to);
  };
}

/**
 * Replaces every match of `pattern` (global) by `content`; the new characters take the span of the
 * last character matched, as in `tokenizers`.
 */
export function replace(pattern: RegExp, content: string): Normalizer {
  const added = codePoints(content);
  return (text) => {
    const source = text.toString();
    pattern.lastIndex = 0;
    if (!pattern.test(source)) return text;
    // UTF-16 index -> character index (text was built from text.chars, one code point each).
    const charAt = new Int32Array(source.length + 1);
    for (let i = 0, unit = 0; i < text.length; i++) {
      charAt[unit] = i;
      unit += text.chars[i] > 0xffff ? 2 : 1;
    }
    charAt[source.length] = text.length;
    const out = new NormalizedStringBuilder();
    let last = 0;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(source); m !== null; m = pattern.exec(source)) {
      if (m[0].length === 0) {
        pattern.lastIndex++;
        continue;
      }
      const from = charAt[m.index];
      const to = charAt[m.index + m[0].length];
      for (let i = last; i < from; i++) out.push(text.chars[i], text.starts[i], text.ends[i]);
      for (const cp of added) out.push(cp, text.starts[to - 1], text.ends[to - 1]);
      last = to;
    }
    for (let i = last; i < text.length; i++) out.push(text.chars[i], text.starts[i], text.ends[i]);
    return out.build();
  };
}

const REGEX_SPECIALS = /[.*+?^${}()|[\]\\]/g;

/**
 * A `tokenizers` pattern ({"String": s} or {"Regex": r}) as a JavaScript RegExp. Oniguruma's \s and \S
 * are Unicode's White_Space, which JavaScript's are not quite (U+0085, U+FEFF).
 */
export function patternFromJson(json: JsonValue): RegExp {
  if (json.has('String')) {
    const literal = json.get('String').string();
    return new RegExp(literal.replace(REGEX_SPECIALS, '\\$&'), 'gu');
  }
  const field = json.get('Regex');
  const source = field
    .string()
    .replace(/(?<!\\)((?:\\\\)*)\\([sS])/g, (_, slashes: string, s: string) => `${slashes}${s === 's' ? '\\p{White_Space}' : '\\P{White_Space}'}`);
  try {
    return new RegExp(source, 'gu');
  } catch (error) {
    return field.fail(`not a regular expression this tokenizer can run (${(error as Error).message})`);
  }
}

export function sequence(normalizers: Normalizer[]): Normalizer {
  return (text) => normalizers.reduce((current, normalize) => normalize(current), text);
}

const SUPPORTED = ['BertNormalizer', 'Lowercase', 'StripAccents', 'NFC', 'NFD', 'NFKC', 'NFKD', 'Strip', 'Replace', 'Precompiled', 'Sequence'];

/** The normalizer a tokenizer.json describes; undefined for null. */
export function normalizerFromJson(json: JsonValue): Normalizer | undefined {
  if (json.isNull) return undefined;
  const type = json.get('type').string();
  switch (type) {
    case 'BertNormalizer':
      return bertNormalizer({
        cleanText: json.get('clean_text').boolean(true),
        handleChineseChars: json.get('handle_chinese_chars').boolean(true),
        stripAccents: json.get('strip_accents').optionalBoolean() ?? null,
        lowercase: json.get('lowercase').boolean(true),
      });
    case 'Lowercase':
      return lowercase;
    case 'StripAccents':
      return stripAccents;
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD':
      return unicodeForm(type);
    case 'Strip':
      return strip(json.get('strip_left').boolean(true), json.get('strip_right').boolean(true));
    case 'Replace':
      return replace(patternFromJson(json.get('pattern')), json.get('content').string());
    case 'Precompiled':
      return precompiledFromJson(json);
    case 'Sequence':
      return sequence(
        json
          .get('normalizers')
          .items()
          .map((item) => normalizerFromJson(item) ?? ((t) => t)),
      );
    default:
      return json.get('type').fail(`normalizer '${type}' is not supported (supported: ${SUPPORTED.join(', ')})`);
  }
}
