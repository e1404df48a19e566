// Byte-pair encoding: repeatedly merge the adjacent pair with the lowest merge rank (leftmost first),
// with a heap over a linked list of symbols so that long words stay O(n log n).

import { InputError } from '../../data/types';
import { type ModelToken, type TokenizerModel, WordCache, codePointStarts } from './model';

export interface BpeOptions {
  unkToken?: string;
  continuingSubwordPrefix?: string;
  endOfWordSuffix?: string;
  fuseUnk: boolean;
  /** Take a word found whole in the vocabulary without merging (Llama 3's BPE). */
  ignoreMerges: boolean;
}

/** Where a merge list comes from, for error messages. */
export interface MergeSource {
  file: string;
  /** Names merge i, e.g. "model.merges[i]" or "line i + 2". */
  describe(i: number): { line?: number; where: string };
}

const POSITION_BITS = 2 ** 26;
const ID_BITS = 2 ** 24;

export class Bpe implements TokenizerModel {
  readonly kind = 'BPE' as const;
  readonly unkToken: string | undefined;
  private readonly unkId: number | undefined;
  /** (left id, right id) -> rank and merged id. */
  private readonly ranks = new Map<number, number>();
  private readonly mergedIds = new Map<number, number>();
  private readonly cache = new WordCache();

  constructor(
    readonly vocab: ReadonlyMap<string, number>,
    merges: readonly [string, string][],
    readonly options: BpeOptions,
    source: MergeSource,
  ) {
    if (options.unkToken !== undefined) {
      this.unkId = vocab.get(options.unkToken);
      if (this.unkId === undefined) {
        throw new InputError(source.file, undefined, `unk token '${options.unkToken}' is not in the vocabulary`);
      }
      this.unkToken = options.unkToken;
    }
    const prefix = options.continuingSubwordPrefix ?? '';
    merges.forEach(([left, right], rank) => {
      const fail = (problem: string): never => {
        const { line, where } = source.describe(rank);
        throw new InputError(source.file, line, `${where}: ${problem}`);
      };
      const leftId = vocab.get(left) ?? fail(`merge '${left} ${right}' uses '${left}', which is not in the vocabulary`);
      const rightId = vocab.get(right) ?? fail(`merge '${left} ${right}' uses '${right}', which is not in the vocabulary`);
      const merged = left + (prefix && right.startsWith(prefix) ? right.slice(prefix.length) : right);
      const mergedId = vocab.get(merged) ?? fail(`merge '${left} ${right}' makes '${merged}', which is not in the vocabulary`);
      // A repeated merge takes its last rank, as `tokenizers` does.
      const key = pairKey(leftId, rightId);
      this.ranks.set(key, rank);
      this.mergedIds.set(key, mergedId);
    });
  }

  tokenize(word: string): readonly ModelToken[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const tokens = this.encodeWord(word);
    this.cache.set(word, tokens);
    return tokens;
  }

  private encodeWord(word: string): ModelToken[] {
    const units = codePointStarts(word);
    const length = units.length - 1;
    if (this.options.ignoreMerges) {
      const id = this.vocab.get(word);
      if (id !== undefined) return [{ id, start: 0, end: length }];
    }
    const symbols = this.initialSymbols(word, units);
    this.mergeAll(symbols);
    const tokens: ModelToken[] = [];
    for (let i = 0; i !== -1 && symbols.ids.length > 0; i = symbols.next[i]) {
      tokens.push({ id: symbols.ids[i], start: symbols.starts[i], end: symbols.ends[i] });
    }
    return tokens;
  }

  private initialSymbols(word: string, units: number[]): Symbols {
    const length = units.length - 1;
    const { continuingSubwordPrefix: prefix, endOfWordSuffix: suffix } = this.options;
    const s: Symbols = { ids: [], starts: [], ends: [], prev: [], next: [] };
    let lastWasUnk = false;
    for (let i = 0; i < length; i++) {
      let piece = word.slice(units[i], units[i + 1]);
      if (prefix && i > 0) piece = prefix + piece;
      if (suffix && i === length - 1) piece = piece + suffix;
      const id = this.vocab.get(piece);
      if (id === undefined) {
        if (this.unkId === undefined) continue;
        if (this.options.fuseUnk && lastWasUnk) {
          s.ends[s.ends.length - 1] = i + 1;
          continue;
        }
        lastWasUnk = true;
        pushSymbol(s, this.unkId, i, i + 1);
      } else {
        lastWasUnk = false;
        pushSymbol(s, id, i, i + 1);
      }
    }
    if (s.next.length > 0) s.next[s.next.length - 1] = -1;
    return s;
  }

  private mergeAll(s: Symbols): void {
    const heap = new MinHeap();
    const consider = (pos: number): void => {
      const right = s.next[pos];
      if (right === -1) return;
      const rank = this.ranks.get(pairKey(s.ids[pos], s.ids[right]));
      if (rank !== undefined) heap.push(rank * POSITION_BITS + pos);
    };
    for (let i = 0; i + 1 < s.ids.length; i++) consider(i);
    while (heap.size > 0) {
      const top = heap.pop();
      const pos = top % POSITION_BITS;
      const rank = (top - pos) / POSITION_BITS;
      if (s.ids[pos] === -1) continue;
      const right = s.next[pos];
      if (right === -1) continue;
      const key = pairKey(s.ids[pos], s.ids[right]);
      if (this.ranks.get(key) !== rank) continue;
      s.ids[pos] = this.mergedIds.get(key)!;
      s.ends[pos] = s.ends[right];
      s.ids[right] = -1;
      s.next[pos] = s.next[right];
      if (s.next[right] !== -1) s.prev[s.next[right]] = pos;
      if (s.prev[pos] !== -1) consider(s.prev[pos]);
      consider(pos);
    }
  }
}

interface Symbols {
  ids: number[];
  starts: number[];
  ends: number[];
  prev: number[];
  next: number[];
}

function pushSymbol(s: Symbols, id: number, start: number, end: number): void {
  const index = s.ids.length;
  s.ids.push(id);
  s.starts.push(start);
  s.ends.push(end);
  s.prev.push(index - 1);
  s.next.push(index + 1);
}

function pairKey(left: number, right: number): number {
  return left * ID_BITS + right;
}

/** A binary min-heap of numbers (rank and position packed into one). */
class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const a = this.items;
    a.push(value);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent] <= value) break;
      a[i] = a[parent];
      i = parent;
    }
    a[i] = value;
  }

  pop(): number {
    const a = this.items;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= a.length) break;
        const right = left + 1;
        const child = right < a.length && a[right] < a[left] ? right : left;
        if (a[child] >= last) break;
        a[i] = a[child];
        i = child;
      }
      a[i] = last;
    }
    return top;
  }
}
