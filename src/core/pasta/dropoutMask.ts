// The dropout masks each training step draws in TypeScript: the PASTA vectors' and the head input's (the
// reference draws them per row), and the encoder's own (dropout "all"), fed to the training graph.
import type { Regularisation } from './runtime';

/** Inverted dropout: each element kept (scaled by 1/keep) with probability keep, drawn in order. */
export function dropoutMask(length: number, keep: number, reg: Regularisation): Float32Array {
  if (reg.dropoutMask) return reg.dropoutMask(length, keep);
  const mask = new Float32Array(length);
  const scale = 1 / keep;
  for (let i = 0; i < length; i++) if (reg.random() < keep) mask[i] = scale;
  return mask;
}

/** The encoder's dropout mask: each element 1 (kept) with probability keep. */
export function keepMask(length: number, keep: number, reg: Regularisation): Uint8Array {
  if (reg.keepMask) return reg.keepMask(length, keep);
  const mask = new Uint8Array(length);
  for (let i = 0; i < length; i++) if (reg.random() < keep) mask[i] = 1;
  return mask;
}

export function multiply(values: Float32Array, mask: Float32Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] * mask[i];
  return out;
}
