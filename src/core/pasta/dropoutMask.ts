// The PASTA vectors' and the head input's dropout, drawn in TypeScript (the reference draws them per row).
import type { Regularisation } from './runtime';

/** Inverted dropout: each element kept (scaled by 1/keep) with probability keep, drawn in order. */
export function dropoutMask(length: number, keep: number, reg: Regularisation): Float32Array {
  if (reg.dropoutMask) return reg.dropoutMask(length, keep);
  const mask = new Float32Array(length);
  const scale = 1 / keep;
  for (let i = 0; i < length; i++) if (reg.random() < keep) mask[i] = scale;
  return mask;
}

export function multiply(values: Float32Array, mask: Float32Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] * mask[i];
  return out;
}
