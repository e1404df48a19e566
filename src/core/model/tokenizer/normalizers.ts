// Normalizers of Hugging Face `tokenizers`, each keeping every character's original span.

import type { JsonValue } from './jsonValue';
import { NormalizedString, NormalizedStringBuilder, codePoints } from './normalizedString';
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
      out = out
        .filter((cp) => cp !== 0 && cp !== 0xfffd && !isBertControl(cp))
        .flatMap((cp) => (isWhitespace(cp) ? SPACE : cp));
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
      while (end < chars.length && isMark(chars[end])) end++;
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

export function sequence(normalizers: Normalizer[]): Normalizer {
  return (text) => normalizers.reduce((current, normalize) => normalize(current), text);
}

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
    case 'Sequence':
      return sequence(json.get('normalizers').items().map((item) => normalizerFromJson(item) ?? ((t) => t)));
    default:
      return json.get('type').fail(`normalizer '${type}' is not supported (supported: BertNormalizer, Lowercase, StripAccents, NFC, NFD, NFKC, NFKD, Sequence)`);
  }
}
