// A string under normalisation that remembers, for every character, the span of the original input it
// came from (UTF-16 code units). Characters are code points; a lone surrogate counts as one character.
//
// Alignment rules follow Hugging Face `tokenizers`' NormalizedString: a character that replaces another
// takes its span; a character inserted after it (NFD's combining marks, lowercase expansions, CJK padding)
// takes the span of the character before it; removed characters take their span with them.
// One deliberate difference: a prepended character (ByteLevel's prefix space) gets an empty span at the
// start of the first character, so that it never claims (or, trimmed, removes) a real character.

export class NormalizedString {
  constructor(
    /** Code points of the normalised text. */
    readonly chars: number[],
    /** Original span [starts[i], ends[i]) of chars[i], in UTF-16 code units of the original input. */
    readonly starts: number[],
    readonly ends: number[],
  ) {}

  /** The characters of text[from, to) aligned to themselves. */
  static fromText(text: string, from = 0, to = text.length): NormalizedString {
    const chars: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    let i = from;
    while (i < to) {
      const cp = text.codePointAt(i)!;
      const width = cp > 0xffff && i + 1 < to ? 2 : 1;
      chars.push(width === 1 && cp > 0xffff ? text.charCodeAt(i) : cp);
      starts.push(i);
      ends.push(i + width);
      i += width;
    }
    return new NormalizedString(chars, starts, ends);
  }

  get length(): number {
    return this.chars.length;
  }

  /** The normalised text (lone surrogates kept as they are). */
  toString(): string {
    const chars = this.chars;
    if (chars.length <= 1024) return String.fromCodePoint(...chars);
    let out = '';
    for (let i = 0; i < chars.length; i += 1024) out += String.fromCodePoint(...chars.slice(i, i + 1024));
    return out;
  }

  slice(from: number, to: number): NormalizedString {
    return new NormalizedString(this.chars.slice(from, to), this.starts.slice(from, to), this.ends.slice(from, to));
  }

  /** The original span of the normalised characters [from, to): first one's start to last one's end. */
  originalSpan(from: number, to: number): [number, number] {
    if (to <= from) {
      const at = from < this.length ? this.starts[from] : this.length > 0 ? this.ends[this.length - 1] : 0;
      return [at, at];
    }
    return [this.starts[from], this.ends[to - 1]];
  }

  /** Keeps the characters for which `keep` is true. */
  filter(keep: (cp: number) => boolean): NormalizedString {
    const out = new NormalizedStringBuilder();
    for (let i = 0; i < this.chars.length; i++) {
      if (keep(this.chars[i])) out.push(this.chars[i], this.starts[i], this.ends[i]);
    }
    return out.build();
  }

  /** Replaces each character by zero or more characters; all of them take the replaced character's span. */
  flatMap(expand: (cp: number) => number | number[]): NormalizedString {
    const out = new NormalizedStringBuilder();
    for (let i = 0; i < this.chars.length; i++) {
      const replacement = expand(this.chars[i]);
      if (typeof replacement === 'number') out.push(replacement, this.starts[i], this.ends[i]);
      else for (const cp of replacement) out.push(cp, this.starts[i], this.ends[i]);
    }
    return out.build();
  }

  /** Prepends characters with an empty span where the first character starts (an empty string stays empty). */
  prepend(cps: number[]): NormalizedString {
    if (this.length === 0) return this;
    const start = this.starts[0];
    return new NormalizedString([...cps, ...this.chars], [...cps.map(() => start), ...this.starts], [...cps.map(() => start), ...this.ends]);
  }

  /**
   * Prepends characters as `tokenizers`' NormalizedString::prepend does (Metaspace's '▁'): they take the
   * span of the first character, which keeps it. An empty string stays empty.
   */
  prependOnFirst(cps: number[]): NormalizedString {
    if (this.length === 0) return this;
    const start = this.starts[0];
    const end = this.ends[0];
    return new NormalizedString([...cps, ...this.chars], [...cps.map(() => start), ...this.starts], [...cps.map(() => end), ...this.ends]);
  }

  /**
   * `tokenizers`' NormalizedString::transform over the whole string, for normalizers written against it
   * (Precompiled): each new character comes with a change, 0 to replace the next character (taking its
   * span), 1 to be inserted (taking the span of the character before), -n to replace the next character
   * and remove the n after it. `initialOffset` characters are removed first. Where the changes consume
   * fewer characters than there are, the spans shift as they do in `tokenizers`.
   */
  transform(changes: readonly (readonly [number, number])[], initialOffset = 0): NormalizedString {
    const out = new NormalizedStringBuilder();
    const last = this.length - 1;
    let position = initialOffset;
    for (const [cp, change] of changes) {
      const at = Math.min(change > 0 ? position - 1 : position, last);
      if (at < 0) out.push(cp, this.starts[0] ?? 0, this.starts[0] ?? 0);
      else out.push(cp, this.starts[at], this.ends[at]);
      if (change <= 0) position += 1 - change;
    }
    return out.build();
  }

  /** Whether character i was inserted with no original text under it (a prepended character). */
  isVirtual(i: number): boolean {
    return this.starts[i] === this.ends[i];
  }
}

export class NormalizedStringBuilder {
  private readonly chars: number[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  push(cp: number, start: number, end: number): void {
    this.chars.push(cp);
    this.starts.push(start);
    this.ends.push(end);
  }

  build(): NormalizedString {
    return new NormalizedString(this.chars, this.starts, this.ends);
  }
}

/** Code points of a JavaScript string, a lone surrogate as one code point. */
export function codePoints(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    out.push(cp);
    if (cp > 0xffff) i++;
  }
  return out;
}
