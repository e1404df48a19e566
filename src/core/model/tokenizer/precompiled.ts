// SentencePiece's precompiled character map (the Precompiled normalizer of XLM-R, DeBERTa-v3, T5): a
// double-array trie (darts-clone) over UTF-8 byte strings whose leaves point into a table of
// NUL-terminated replacements. Applied per grapheme cluster, exactly as `tokenizers` (spm_precompiled)
// applies it, odd rules included: a short cluster is replaced whole by the replacement of its shortest
// prefix in the map; longer clusters, and short ones without a match, go character by character.

import { utf8Bytes } from './byteLevel';
import type { JsonValue } from './jsonValue';
import type { NormalizedString } from './normalizedString';
import { codePoints } from './normalizedString';
import type { Normalizer } from './normalizers';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const hasLeaf = (unit: number): boolean => ((unit >>> 8) & 1) === 1;
const valueOf = (unit: number): number => unit & 0x7fffffff;
const labelOf = (unit: number): number => (unit & 0x800000ff) >>> 0;
const offsetOf = (unit: number): number => (unit >>> 10) << ((unit & (1 << 9)) >>> 6);

export class CharsMap {
  private readonly replacements = new Map<number, number[]>();
  /** Replacement of each ASCII character (undefined: none), for the common case. */
  private readonly ascii: (number[] | undefined)[] = [];

  private constructor(
    private readonly units: Uint32Array,
    private readonly table: Uint8Array,
  ) {
    for (let c = 0; c < 0x80; c++) this.ascii.push(this.lookup([c]));
  }

  /** Reads the binary map: u32 trie size in bytes, the trie's u32 units, then the replacement table. */
  static parse(bytes: Uint8Array): CharsMap | string {
    if (bytes.length < 4) return 'shorter than its 4-byte header';
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const count = Math.floor(view.getUint32(0, true) / 4);
    if (count === 0) return 'the trie is empty';
    if (4 + count * 4 > bytes.length) return `the header announces ${count * 4} trie bytes, only ${bytes.length - 4} follow`;
    const units = new Uint32Array(count);
    for (let i = 0; i < count; i++) units[i] = view.getUint32(4 + 4 * i, true);
    const table = bytes.subarray(4 + count * 4);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(table);
    } catch {
      return 'the replacement table is not valid UTF-8';
    }
    const map = new CharsMap(units, table);
    return map.check() ?? map;
  }

  /** Walks every node a lookup can reach, so that no lookup ever leaves the trie or the table. */
  private check(): string | undefined {
    const { units, table } = this;
    const visited = new Uint8Array(units.length);
    const stack = [offsetOf(units[0])];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if ((node | 0xff) >= units.length) return `trie node ${node} lies outside the ${units.length} units`;
      if (visited[node]) continue;
      visited[node] = 1;
      for (let c = 1; c < 256; c++) {
        const unit = units[node ^ c];
        if (labelOf(unit) !== c) continue;
        const next = node ^ c ^ offsetOf(unit);
        if (next >= units.length) return `trie node ${node ^ c} points outside the ${units.length} units`;
        if (hasLeaf(unit)) {
          const at = valueOf(units[next]);
          if (at > table.length || (at < table.length && (table[at] & 0xc0) === 0x80)) {
            return `trie leaf points to byte ${at}, not a character of the ${table.length}-byte replacement table`;
          }
        }
        stack.push(next);
      }
    }
    return undefined;
  }

  /** The replacement of the shortest prefix of `key` (UTF-8 bytes) in the map, as code points. */
  lookup(key: readonly number[]): number[] | undefined {
    const units = this.units;
    let node = offsetOf(units[0]);
    for (const c of key) {
      if (c === 0) return undefined;
      node ^= c;
      const unit = units[node];
      if (labelOf(unit) !== c) return undefined;
      node ^= offsetOf(unit);
      if (hasLeaf(unit)) return this.replacement(valueOf(units[node]));
    }
    return undefined;
  }

  private replacement(at: number): number[] {
    let cached = this.replacements.get(at);
    if (cached) return cached;
    let end = at;
    while (end < this.table.length && this.table[end] !== 0) end++;
    cached = codePoints(new TextDecoder().decode(this.table.subarray(at, end)));
    this.replacements.set(at, cached);
    return cached;
  }

  /** The replacement of one character (undefined: none). */
  lookupChar(cp: number): number[] | undefined {
    if (cp < 0x80) return this.ascii[cp];
    if (cp >= 0xd800 && cp <= 0xdfff) return undefined;
    return this.lookup(utf8Bytes(cp));
  }
}

/** `tokenizers`' replace(): new characters replace the old ones; the changes mark what was added or removed. */
function replace(changes: [number, number][], removed: number, added: readonly number[]): void {
  for (const cp of added) changes.push([cp, 0]);
  const diff = added.length - removed;
  if (diff > 0) for (let i = changes.length - diff; i < changes.length; i++) changes[i][1] = 1;
  else if (diff < 0 && changes.length > 0) changes[changes.length - 1][1] += diff;
}

let segmenter: Intl.Segmenter | undefined;

/** Code points segmented at a time: ICU takes quadratic time over long runs without a break (emoji). */
const CHUNK = 256;

/**
 * [from, to) character ranges of the grapheme clusters of `chars`. Segments a chunk at a time from a
 * known boundary, keeping all but the chunk's last cluster: no rule looks further ahead than the next
 * character, and none behind the cluster it is in, so those boundaries are the text's own.
 */
export function graphemes(chars: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  let ascii = true;
  for (const cp of chars) if (cp >= 0x80) ascii = false;
  if (ascii) {
    for (let i = 0; i < chars.length; i++) {
      const crlf = chars[i] === 0x0d && chars[i + 1] === 0x0a;
      out.push([i, crlf ? i + 2 : i + 1]);
      if (crlf) i++;
    }
    return out;
  }
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let start = 0;
  let size = CHUNK;
  while (start < chars.length) {
    const end = Math.min(chars.length, start + size);
    const clusters: [number, number][] = [];
    let index = start;
    for (const { segment } of segmenter.segment(String.fromCodePoint(...chars.slice(start, end)))) {
      const length = codePoints(segment).length;
      clusters.push([index, index + length]);
      index += length;
    }
    if (end < chars.length) {
      if (clusters.length === 1) {
        size *= 2;
        continue;
      }
      clusters.pop();
    }
    out.push(...clusters);
    start = clusters[clusters.length - 1][1];
    size = CHUNK;
  }
  return out;
}

export function precompiled(map: CharsMap): Normalizer {
  return (text: NormalizedString) => {
    const chars = text.chars;
    const changes: [number, number][] = [];
    let modified = false;
    for (const [from, to] of graphemes(chars)) {
      if (to - from > 1) {
        const bytes: number[] = [];
        let surrogate = false;
        for (let i = from; i < to; i++) {
          if (chars[i] >= 0xd800 && chars[i] <= 0xdfff) surrogate = true;
          bytes.push(...utf8Bytes(chars[i]));
        }
        const whole = !surrogate && bytes.length < 6 ? map.lookup(bytes) : undefined;
        if (whole) {
          modified = true;
          replace(changes, to - from, whole);
          continue;
        }
      }
      for (let i = from; i < to; i++) {
        const replacement = map.lookupChar(chars[i]);
        if (replacement) {
          modified = true;
          replace(changes, 1, replacement);
        } else {
          changes.push([chars[i], 0]);
        }
      }
    }
    return modified ? text.transform(changes) : text;
  };
}

export function precompiledFromJson(json: JsonValue): Normalizer {
  const field = json.get('precompiled_charsmap');
  const encoded = field.string();
  if (!BASE64.test(encoded)) field.fail('not base64');
  const map = CharsMap.parse(new Uint8Array(Buffer.from(encoded, 'base64')));
  if (typeof map === 'string') field.fail(`broken charsmap: ${map}`);
  return precompiled(map as CharsMap);
}
