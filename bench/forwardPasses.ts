// Every forward pass a predictor runs, observed at PastaRuntime.predict (the computation is unchanged): its rows, its
// padded length, its real tokens and the time it took; and the encoder's MatMul FLOPs of a list of them.
import type { EncoderConfig } from '../src/core/model/types';
import { PastaRuntime } from '../src/core/pasta/runtime';
import { forwardFlops } from './randomModel';

export interface ForwardPass {
  rows: number;
  seq: number;
  tokens: number;
  ms: number;
}

/** Starts recording; the returned list fills with every pass from now on (empty it to start over). */
export function recordForwardPasses(): ForwardPass[] {
  const passes: ForwardPass[] = [];
  const predict = PastaRuntime.prototype.predict;
  PastaRuntime.prototype.predict = async function (this: PastaRuntime, examples, ...rest) {
    const t0 = performance.now();
    const out = await predict.call(this, examples, ...rest);
    const lengths = examples.map((e) => e.inputIds.length);
    passes.push({ rows: examples.length, seq: Math.max(...lengths), tokens: lengths.reduce((a, b) => a + b, 0), ms: performance.now() - t0 });
    return out;
  };
  return passes;
}

export function passesFlops(config: EncoderConfig, passes: readonly ForwardPass[]): number {
  return passes.reduce((s, p) => s + forwardFlops(config, p.rows * p.seq, p.seq), 0);
}

/** The padded-token-weighted mean length of the passes: the one shape to measure the machine at. */
export function meanPaddedLength(passes: readonly ForwardPass[]): number {
  return Math.round(passes.reduce((s, p) => s + p.rows * p.seq * p.seq, 0) / passes.reduce((s, p) => s + p.rows * p.seq, 0));
}
