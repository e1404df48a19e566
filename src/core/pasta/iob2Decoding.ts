// Word tags from per-word tag probabilities. Taking each word's most probable tag can give sequences that are
// not IOB2 (an I-PER after O, or after B-LOC), which a decoder then has to guess about; instead pick the most
// probable sequence among the valid ones (Viterbi over log-probabilities with the IOB2 transition rule), the
// standard constrained decoding for taggers trained without a CRF.

/** 'viterbi': the most probable valid IOB2 sequence; 'argmax': each word's most probable tag. */
export type TagDecoding = 'viterbi' | 'argmax';

/** For each tag id, the id of the B- tag an I- tag must follow (or continue), -1 for O and B- tags. */
function insideOf(id2label: readonly string[]): Int32Array {
  const ids = new Map(id2label.map((l, i) => [l, i]));
  return Int32Array.from(id2label, (label) => {
    if (!label.startsWith('I-')) return -1;
    const begin = ids.get(`B-${label.slice(2)}`);
    if (begin === undefined) throw new Error(`tag ${label} has no B-${label.slice(2)} among the labels`);
    return begin;
  });
}

/** The index of the largest value. */
export function argmax(row: Float32Array): number {
  let best = 0;
  for (let k = 1; k < row.length; k++) if (row[k] > row[best]) best = k;
  return best;
}

/**
 * Tag ids for a sequence of words, each row holding the word's probability per tag (id2label order: IOB2
 * tags such as iob2Labels gives). With 'viterbi' an I-X tag only follows B-X or I-X.
 */
export function decodeTags(rows: readonly Float32Array[], id2label: readonly string[], decoding: TagDecoding = 'viterbi'): number[] {
  if (decoding === 'argmax' || rows.length === 0) return rows.map(argmax);
  const C = id2label.length;
  const begins = insideOf(id2label);
  const allowed = (previous: number, tag: number) => begins[tag] < 0 || previous === tag || previous === begins[tag];
  const logOf = (p: number) => Math.log(Math.max(p, 1e-30));
  let score = Float64Array.from(rows[0], (p, tag) => (begins[tag] < 0 ? logOf(p) : -Infinity));
  const backPointers: Int32Array[] = [];
  for (let w = 1; w < rows.length; w++) {
    const next = new Float64Array(C).fill(-Infinity);
    const from = new Int32Array(C);
    for (let tag = 0; tag < C; tag++) {
      for (let previous = 0; previous < C; previous++) {
        if (!allowed(previous, tag) || score[previous] <= next[tag]) continue;
        next[tag] = score[previous];
        from[tag] = previous;
      }
      next[tag] += logOf(rows[w][tag]);
    }
    backPointers.push(from);
    score = next;
  }
  const tags = new Array<number>(rows.length);
  let last = 0;
  for (let tag = 1; tag < C; tag++) if (score[tag] > score[last]) last = tag;
  tags[rows.length - 1] = last;
  for (let w = rows.length - 1; w > 0; w--) tags[w - 1] = backPointers[w - 1][tags[w]];
  return tags;
}
