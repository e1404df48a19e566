// What a tokenization model (WordPiece, BPE, Unigram) gives back for one pre-tokenized word.

export interface ModelToken {
  id: number;
  /** Character (code point) range inside the word. */
  start: number;
  end: number;
  /** The token's text where it is not the vocabulary's entry for id (Unigram's unknown runs). */
  value?: string;
}

export interface TokenizerModel {
  readonly kind: 'WordPiece' | 'BPE' | 'Unigram';
  /** Token -> id, as the model's vocabulary file says. */
  readonly vocab: ReadonlyMap<string, number>;
  readonly unkToken: string | undefined;
  tokenize(word: string): readonly ModelToken[];
}

/** Remembers the tokens of recent words; forgets everything when full (words repeat a lot in text). */
export class WordCache {
  private readonly entries = new Map<string, readonly ModelToken[]>();

  constructor(private readonly capacity = 50_000) {}

  get(word: string): readonly ModelToken[] | undefined {
    return this.entries.get(word);
  }

  set(word: string, tokens: readonly ModelToken[]): void {
    if (word.length > 256) return;
    if (this.entries.size >= this.capacity) this.entries.clear();
    this.entries.set(word, tokens);
  }
}

/** Index of each code point's first UTF-16 unit in `word`, plus word.length at the end. */
export function codePointStarts(word: string): number[] {
  const starts: number[] = [];
  for (let i = 0; i < word.length; i++) {
    starts.push(i);
    const unit = word.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < word.length) {
      const next = word.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  starts.push(word.length);
  return starts;
}
