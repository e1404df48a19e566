// Run as a child process, on the host or under qemu-x86_64 -cpu <model> (int8Kernel.test.ts): asks the product's
// probe whether onnxruntime's integer product saturates on this CPU, and measures the int8 product on the case that
// saturates 8-bit weights (uint8 activations at 255 times int8 weights at +-127 in adjacent K positions) against
// the exact integer result, with 8-bit and with 7-bit weights. Prints one JSON line:
// {"saturates": boolean, "error8": number, "error7": number}, the errors relative to the largest exact output.
import * as ort from 'onnxruntime-node';
import { int8KernelSaturates } from '../../src/core/engine/int8Kernel';
import { emitModel } from '../../src/core/graph/emit';
import { Graph } from '../../src/core/graph/graph';
import * as ops from '../../src/core/graph/ops';

const [M, K, N] = [3, 96, 4];

/** Activations in {0, 1}: the per-tensor range [0, 1] quantises them to 0 and 255 exactly (zero point 0). */
const activation = (m: number, k: number) => (m === 0 || (m === 1 && k % 3 !== 0) || (m === 2 && k % 2 === 0) ? 1 : 0);
/** Weights whose rows quantise to +127 everywhere, -127 everywhere, pairs of +127 then of -127, and mixed. */
const weight = (n: number, k: number) => [1, -1, (k >> 1) % 2 === 0 ? 1 : -1, k % 5 === 0 ? -1 : 0.5][n];

async function relativeError(bits: ops.Int8WeightBits): Promise<number> {
  const w = Float32Array.from({ length: N * K }, (_, i) => weight(Math.floor(i / K), i % K));
  const g = new Graph('int8_saturation_case');
  const x = g.input('x', 'float32', [M, K]);
  g.output(ops.quantizedLinear(g, x, ops.int8Weight(g, 'w', w, N, K, 0, bits)), 'y');
  const session = await ort.InferenceSession.create(emitModel(g), { intraOpNumThreads: 1 });
  const a = Float32Array.from({ length: M * K }, (_, i) => activation(Math.floor(i / K), i % K));
  const y = (await session.run({ x: new ort.Tensor('float32', a, [M, K]) })).y.data as Float32Array;
  await session.release();
  const { q, scale } = ops.quantizePerChannel(w, N, K, bits);
  let [worst, largest] = [0, 0];
  for (let m = 0; m < M; m++)
    for (let n = 0; n < N; n++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += 255 * activation(m, k) * q[n * K + k];
      const exact = (sum / 255) * scale[n];
      worst = Math.max(worst, Math.abs(y[m * N + n] - exact));
      largest = Math.max(largest, Math.abs(exact));
    }
  return worst / largest;
}

async function main(): Promise<void> {
  const result = { saturates: await int8KernelSaturates(), error8: await relativeError(8), error7: await relativeError(7) };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`int8KernelCheck: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
