// A small seedable PRNG (mulberry32) whose whole state is one integer, so checkpoints can store it.
import { gapTable } from './geometricGaps';

const INCREMENT = 0x6d2b79f5;

/** The 32 random bits drawn at `state`, as an unsigned integer. */
function outputBits(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

function output(state: number): number {
  return outputBits(state) / 4294967296;
}

export class SeededRandom {
  constructor(public state: number) {
    this.state = state >>> 0;
  }

  /** Uniform in [0, 1). */
  next = (): number => {
    this.state = (this.state + INCREMENT) >>> 0;
    return output(this.state);
  };

  /** `count` values, the ones `next()` would return one call after another. */
  uniforms = (count: number): Float64Array => {
    const out = new Float64Array(count);
    let state = this.state;
    for (let i = 0; i < count; i++) {
      state = (state + INCREMENT) >>> 0;
      out[i] = output(state);
    }
    this.state = state;
    return out;
  };

  /**
   * Inverted dropout's mask over `count` draws, the ones `next()` would return one call after another: 1 / keep
   * where the draw is below `keep`, else 0. One pass without the draws written out: a head-input mask is drawn
   * for every element of every step (393,216 at 8 x 128 x 384), and through an array of draws it took 5 ms.
   */
  dropoutMask = (count: number, keep: number): Float32Array => {
    const mask = new Float32Array(count);
    const scale = 1 / keep;
    // draw < keep exactly when its 32-bit integer is below keep * 2^32 (a power of two scales exactly).
    const threshold = keep * 4294967296;
    let state = this.state;
    for (let i = 0; i < count; i++) {
      state = (state + INCREMENT) >>> 0;
      if (outputBits(state) < threshold) mask[i] = scale;
    }
    this.state = state;
    return mask;
  };

  /**
   * A Bernoulli(keep) mask of `count` elements, 1 where kept, for the encoder's dropouts: drawn by the gaps
   * between dropped elements (geometricGaps.ts), one draw per dropped element, so not the draws next() would give.
   */
  keepMask = (count: number, keep: number): Uint8Array => {
    const mask = new Uint8Array(count).fill(1);
    const { guide, thresholds } = gapTable(keep);
    let state = this.state;
    for (let i = -1; ;) {
      state = (state + INCREMENT) >>> 0;
      const bits = outputBits(state);
      let gap = guide[bits >>> 16];
      while (thresholds[gap + 1] >= bits + 1) gap++;
      i += 1 + gap;
      if (i >= count) break;
      mask[i] = 0;
    }
    this.state = state;
    return mask;
  };

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}
