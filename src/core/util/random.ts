// A small seedable PRNG (mulberry32) whose whole state is one integer, so checkpoints can store it.
const INCREMENT = 0x6d2b79f5;

function output(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
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

  /** `count` values, the ones `next()` would return one call after another (for large dropout masks). */
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

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}
