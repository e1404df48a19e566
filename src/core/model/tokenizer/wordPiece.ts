// WordPiece (BERT): greedy longest match from the left; pieces after the first carry "##".

import { InputError } from '../../data/types';
import { type ModelToken, type TokenizerModel, WordCache, codePointStarts } from './model';

export interface WordPieceOptions {
  unkToken: string;
  continuingSubwordPrefix: string;
  maxInputCharsPerWord: number;
}

export class WordPiece implements TokenizerModel {
  readonly kind = 'WordPiece' as const;
  readonly unkToken: string;
  private readonly unkId: number;
  /** Longest vocabulary entry in UTF-16 units, prefix removed: bounds the search. */
  private readonly longestPiece: number;
  private readonly cache = new WordCache();

  constructor(
    readonly vocab: ReadonlyMap<string, number>,
    readonly options: WordPieceOptions,
    /** Names the vocabulary file in errors. */
    file: string,
  ) {
    const unkId = vocab.get(options.unkToken);
    if (unkId === undefined) throw new InputError(file, undefined, `unk token '${options.unkToken}' is not in the vocabulary`);
    this.unkToken = options.unkToken;
    this.unkId = unkId;
    let longest = 1;
    for (const token of vocab.keys()) {
      const length = token.startsWith(options.continuingSubwordPrefix) ? token.length - options.continuingSubwordPrefix.length : token.length;
      if (length > longest) longest = length;
    }
    this.longestPiece = longest;
  }

  tokenize(word: string): readonly ModelToken[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const tokens = this.split(word);
    this.cache.set(word, tokens);
    return tokens;
  }

  private split(word: string): ModelToken[] {
    const units = codePointStarts(word);
    const length = units.length - 1;
    const unknown = [{ id: this.unkId, start: 0, end: length }];
    if (length > this.options.maxInputCharsPerWord) return unknown;
    const tokens: ModelToken[] = [];
    let start = 0;
    while (start < length) {
      let end = length;
      while (end > start && units[end] - units[start] > this.longestPiece) end--;
      let found: ModelToken | undefined;
      for (; end > start; end--) {
        const piece = word.slice(units[start], units[end]);
        const id = this.vocab.get(start > 0 ? this.options.continuingSubwordPrefix + piece : piece);
        if (id !== undefined) {
          found = { id, start, end };
          break;
        }
      }
      if (!found) return unknown;
      tokens.push(found);
      start = found.end;
    }
    return tokens;
  }
}
