// Unigram (SentencePiece; XLM-R, DeBERTa-v3): the segmentation of a word with the highest total score
// (Viterbi), as `tokenizers` computes it: characters with no piece of their own are unknown (score: the
// lowest score minus 10), runs of unknown characters fuse into one token, and with byte_fallback an
// unknown token becomes its UTF-8 bytes as <0xNN> pieces when the vocabulary has them all.

import { utf8Bytes } from './byteLevel';
import { type ModelToken, type TokenizerModel, WordCache, codePointStarts } from './model';

const UNKNOWN_PENALTY = 10;

export interface UnigramPiece {
  token: string;
  score: number;
}

export class Unigram implements TokenizerModel {
  readonly kind = 'Unigram' as const;
  readonly vocab: ReadonlyMap<string, number>;
  readonly unkToken: string;
  private readonly scores: Float64Array;
  private readonly unknownScore: number;
  /** Longest piece in UTF-16 units: bounds the search. */
  private readonly longestPiece: number;
  private readonly cache = new WordCache();

  constructor(
    pieces: readonly UnigramPiece[],
    private readonly unkId: number,
    private readonly byteFallback: boolean,
  ) {
    const vocab = new Map<string, number>();
    this.scores = new Float64Array(pieces.length);
    let lowest = Infinity;
    let longest = 1;
    pieces.forEach(({ token, score }, id) => {
      vocab.set(token, id);
      this.scores[id] = score;
      if (score < lowest) lowest = score;
      if (token.length > longest) longest = token.length;
    });
    this.vocab = vocab;
    this.unkToken = pieces[unkId].token;
    this.unknownScore = lowest - UNKNOWN_PENALTY;
    this.longestPiece = longest;
  }

  tokenize(word: string): readonly ModelToken[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const units = codePointStarts(word);
    const tokens = this.withIds(word, units, this.segment(word, units));
    this.cache.set(word, tokens);
    return tokens;
  }

  /** Viterbi over the code points of `word` (units: their UTF-16 starts): [start, end, id], unknown runs fused. */
  private segment(word: string, units: readonly number[]): [number, number, number][] {
    const length = units.length - 1;
    const best = new Float64Array(length + 1);
    const from = new Int32Array(length + 1).fill(-1);
    const ids = new Int32Array(length + 1);
    for (let start = 0; start < length; start++) {
      const before = best[start];
      let hasSingle = false;
      for (let end = start + 1; end <= length && units[end] - units[start] <= this.longestPiece; end++) {
        const id = this.vocab.get(word.slice(units[start], units[end]));
        if (id === undefined) continue;
        const score = this.scores[id] + before;
        if (from[end] < 0 || score > best[end]) {
          best[end] = score;
          from[end] = start;
          ids[end] = id;
        }
        if (end === start + 1) hasSingle = true;
      }
      if (!hasSingle) {
        const score = this.unknownScore + before;
        if (from[start + 1] < 0 || score > best[start + 1]) {
          best[start + 1] = score;
          from[start + 1] = start;
          ids[start + 1] = this.unkId;
        }
      }
    }
    const pieces: [number, number, number][] = [];
    for (let end = length; end > 0; end = from[end]) {
      const last = pieces[pieces.length - 1];
      if (ids[end] === this.unkId && last && last[2] === this.unkId) last[0] = from[end];
      else pieces.push([from[end], end, ids[end]]);
    }
    return pieces.reverse();
  }

  /** Token ids by the pieces' text, as `tokenizers` looks them up (fused unknown runs, byte fallback). */
  private withIds(word: string, units: readonly number[], pieces: [number, number, number][]): ModelToken[] {
    const tokens: ModelToken[] = [];
    for (const [start, end] of pieces) {
      const value = word.slice(units[start], units[end]);
      const id = this.vocab.get(value);
      if (id !== undefined) {
        tokens.push({ id, start, end, value });
        continue;
      }
      const bytes = this.byteFallback ? this.byteTokens(value) : undefined;
      if (bytes) for (const [byteId, byteToken] of bytes) tokens.push({ id: byteId, start, end, value: byteToken });
      else tokens.push({ id: this.unkId, start, end, value });
    }
    return tokens;
  }

  /** <0xNN> pieces for each UTF-8 byte of `text`; undefined when one is missing or text holds a lone surrogate. */
  private byteTokens(text: string): [number, string][] | undefined {
    const out: [number, string][] = [];
    for (const char of text) {
      const cp = char.codePointAt(0)!;
      if (cp >= 0xd800 && cp <= 0xdfff) return undefined;
      for (const byte of utf8Bytes(cp)) {
        const token = `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;
        const id = this.vocab.get(token);
        if (id === undefined) return undefined;
        out.push([id, token]);
      }
    }
    return out;
  }
}
