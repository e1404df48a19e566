// Bernoulli masks drawn by their gaps: between two dropped elements of an i.i.d. Bernoulli(keep) sequence lie
// Geometric(1 - keep) kept ones, so a mask of n elements takes about n * (1 - keep) draws instead of n. The
// encoder's dropouts need 14.5 million mask elements a step (all-MiniLM-L6-v2, 8 x 128): one draw and one
// comparison each took 124 ms in JavaScript and 60 ms inside onnxruntime's Dropout (one thread); by gaps, 12-15 ms.

/**
 * The gap drawn from 32 random bits b: the number of j >= 1 with b + 1 <= keep^j * 2^32, so that
 * P(gap >= j) = keep^j to within 2^-32, as a per-element comparison of a 32-bit draw against keep gets.
 */
export interface GapTable {
  /** thresholds[j] = keep^j * 2^32, decreasing to below 1, then -1 to stop every scan. */
  readonly thresholds: Float64Array;
  /**
   * The gap at the top of each bucket of 2^16 values of b, the smallest in that bucket: the gap of b is
   * guide[b >>> 16], raised while thresholds[gap + 1] >= b + 1 (rarely more than once).
   */
  readonly guide: Uint32Array;
}

const tables = new Map<number, GapTable>();

export function gapTable(keep: number): GapTable {
  if (!(keep > 0 && keep < 1)) throw new Error(`keep probability must be in (0, 1), got ${keep}`);
  let table = tables.get(keep);
  if (table) return table;
  const values: number[] = [];
  for (let j = 0; ; j++) {
    const t = Math.pow(keep, j) * 4294967296;
    values.push(t);
    if (t < 1) break;
  }
  values.push(-1);
  const thresholds = Float64Array.from(values);
  const guide = new Uint32Array(65536);
  // Walking b down from the top, the gap only grows: one pass fills the guide.
  let gap = 0;
  for (let bucket = 65535; bucket >= 0; bucket--) {
    const top = bucket * 65536 + 65535;
    while (thresholds[gap + 1] >= top + 1) gap++;
    guide[bucket] = gap;
  }
  table = { thresholds, guide };
  tables.set(keep, table);
  return table;
}
