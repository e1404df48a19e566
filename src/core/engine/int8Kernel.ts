// Whether this processor's onnxruntime integer product is exact for 8-bit weights, asked of onnxruntime itself.
// MLAS multiplies uint8 activations by int8 weights with VNNI or AMX where the processor has them (32-bit sums,
// exact), with 16-bit multiplies on SSE-only processors (exact too), but on AVX2 and on AVX-512 without VNNI
// (Haswell to pre-Ice-Lake Intel, AMD Zen 1-3) with VPMADDUBSW, which adds two products into int16 with
// saturation: 2 x 255 x 127 = 64,770 becomes 32,767. Measured under qemu -cpu Haswell: an all-ones row times a
// row of +127 weights came out at 0.506 of the exact sum. One DynamicQuantizeMatMul on that case tells, whatever
// the OS or how the CPU is named; where it saturates, the frozen weights get 7 bits ([-64, 64], as onnxruntime's
// own quantiser does with reduce_range), whose pairs stay within 2 x 255 x 64 = 32,640.
import * as ort from 'onnxruntime-node';
import { emitModel } from '../graph/emit';
import { Graph } from '../graph/graph';
import type { Precision } from '../graph/kernels';
import * as ops from '../graph/ops';
import { createSession } from './session';

export interface Int8WeightChoice {
  bits: ops.Int8WeightBits;
  /** Why not 8 bits, for the user. */
  reason?: string;
}

/** The precision a run's base uses, why it is not the one asked for, and in int8 its weights' bits. */
export interface RunPrecision {
  used: Precision;
  reason?: string;
  int8WeightBits?: ops.Int8WeightBits;
}

/** precisionOn's answer with the int8 weights' bits, and why they are 7 where no other reason is given. */
export function withInt8Weights(on: { used: Precision; reason?: string }, choice: Int8WeightChoice | undefined): RunPrecision {
  if (on.used !== 'int8' || !choice) return on;
  const reason = on.reason ?? choice.reason;
  return { ...on, ...(reason ? { reason } : {}), int8WeightBits: choice.bits };
}

export const SATURATING_KERNEL_REASON = "7-bit weights: this CPU's integer kernel saturates";

/** Benchmarks and tests force the weights' bits with this variable (7 or 8); the product never sets it. */
export const FORCE_BITS_ENV = 'PASTA_INT8_WEIGHT_BITS';

let probed: Promise<boolean> | undefined;

/** The bits the frozen weights get on this CPU, probed once per process. */
export async function int8WeightChoice(): Promise<Int8WeightChoice> {
  const forced = process.env[FORCE_BITS_ENV];
  if (forced === '7') return { bits: 7, reason: `7-bit weights (${FORCE_BITS_ENV}=7)` };
  if (forced === '8') return { bits: 8 };
  if (forced !== undefined) throw new Error(`${FORCE_BITS_ENV} must be 7 or 8, not '${forced}'`);
  return (await int8KernelSaturates()) ? { bits: 7, reason: SATURATING_KERNEL_REASON } : { bits: 8 };
}

/** Whether onnxruntime's uint8 x int8 product saturates on this CPU (cached per process). */
export function int8KernelSaturates(): Promise<boolean> {
  return (probed ??= probe());
}

// Long enough to fill the widest SIMD kernel's K block several times over; 64 pairs saturate each.
const K = 128;

async function probe(): Promise<boolean> {
  const g = new Graph('int8_kernel_probe');
  const x = g.input('x', 'float32', [1, K]);
  // One output channel of ones: quantised to +127 at every K position.
  g.output(ops.quantizedLinear(g, x, ops.int8Weight(g, 'w', new Float32Array(K).fill(1), 1, K)), 'y');
  const { session } = await createSession(emitModel(g), { device: 'cpu', threads: 1 });
  try {
    // Ones quantise to 255 (the range [0, 1], zero point 0): the exact product is 255 x 127 x K, dequantised K.
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array(K).fill(1), [1, K]) });
    const y = (out.y.data as Float32Array)[0];
    return Math.abs(y - K) > 1e-3 * K;
  } finally {
    await session.release();
  }
}
