// The result of encoding a text (or a pair): parallel arrays, one entry per token.

export interface Encoding {
  ids: number[];
  tokens: string[];
  /** [start, end) in UTF-16 code units of the original input ([0, 0] for inserted special tokens). */
  offsets: [number, number][];
  typeIds: number[];
  /** 1 for the special tokens the post-processor inserted. */
  specialTokensMask: number[];
  /** Index of the pre-tokenized word the token belongs to, within its sequence; null for inserted specials. */
  wordIds: (number | null)[];
  /** 0 or 1: the sequence of a pair the token belongs to; null for inserted specials. */
  sequenceIds: (number | null)[];
}

export function emptyEncoding(): Encoding {
  return { ids: [], tokens: [], offsets: [], typeIds: [], specialTokensMask: [], wordIds: [], sequenceIds: [] };
}

export function concatEncodings(parts: readonly Encoding[]): Encoding {
  if (parts.length === 1) return parts[0];
  const out = emptyEncoding();
  for (const part of parts) {
    for (let i = 0; i < part.ids.length; i++) {
      out.ids.push(part.ids[i]);
      out.tokens.push(part.tokens[i]);
      out.offsets.push(part.offsets[i]);
      out.typeIds.push(part.typeIds[i]);
      out.specialTokensMask.push(part.specialTokensMask[i]);
      out.wordIds.push(part.wordIds[i]);
      out.sequenceIds.push(part.sequenceIds[i]);
    }
  }
  return out;
}

/** The first `length` tokens. */
export function truncateEncoding(encoding: Encoding, length: number): Encoding {
  if (encoding.ids.length <= length) return encoding;
  return {
    ids: encoding.ids.slice(0, length),
    tokens: encoding.tokens.slice(0, length),
    offsets: encoding.offsets.slice(0, length),
    typeIds: encoding.typeIds.slice(0, length),
    specialTokensMask: encoding.specialTokensMask.slice(0, length),
    wordIds: encoding.wordIds.slice(0, length),
    sequenceIds: encoding.sequenceIds.slice(0, length),
  };
}

/**
 * `tokenizers`' longest-first budget for a pair: the shorter sequence keeps what it can up to half the
 * budget (or more if the other is shorter), the longer one takes the rest.
 */
export function longestFirstLengths(first: number, second: number, budget: number): [number, number] {
  if (first + second <= budget) return [first, second];
  const swap = first > second;
  let short = swap ? second : first;
  let long = short > budget ? short : Math.max(short, budget - short);
  if (short + long > budget) {
    short = Math.floor(budget / 2);
    long = short + (budget % 2);
  }
  return swap ? [long, short] : [short, long];
}
