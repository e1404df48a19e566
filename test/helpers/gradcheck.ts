// Finite-difference checks of reverse-mode gradients: the graph's own gradients, run by onnxruntime,
// against central differences of the same graph's loss.
import * as ort from 'onnxruntime-node';
import { gradients } from '../../src/core/graph/autodiff';
import { emitModel } from '../../src/core/graph/emit';
import { Graph } from '../../src/core/graph/graph';
import type { DType, Dim, Value } from '../../src/core/graph/ir';
import { CPU_KERNELS, type KernelSet } from '../../src/core/graph/kernels';
import { mul, reduceSum } from '../../src/core/graph/ops';
import { SeededRandom } from '../../src/core/util/random';

export interface GradInput {
  name: string;
  /** Declared shape, may hold symbolic dims. */
  shape: Dim[];
  /** Concrete shape of the data fed in. */
  dims: number[];
  data: number[];
  dtype?: DType;
  /** Whether the check differentiates with respect to this input (default true for float inputs). */
  differentiate?: boolean;
}

export interface GradCheckResult {
  maxAbsError: number;
  maxRelError: number;
  analytic: number[][];
  numeric: number[][];
}

/** Reproducible test data: the product's own seeded PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  return new SeededRandom(seed).next;
}

export function randomArray(n: number, rand: () => number, scale = 1): number[] {
  return Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
}

function tensorOf(dtype: DType, data: number[], dims: number[]): ort.Tensor {
  if (dtype === 'int64')
    return new ort.Tensor(
      'int64',
      BigInt64Array.from(data, (v) => BigInt(v)),
      dims,
    );
  if (dtype === 'int32') return new ort.Tensor('int32', Int32Array.from(data), dims);
  if (dtype === 'bool') return new ort.Tensor('bool', Uint8Array.from(data), dims);
  if (dtype === 'float64') return new ort.Tensor('float64', Float64Array.from(data), dims);
  return new ort.Tensor('float32', Float32Array.from(data), dims);
}

/**
 * Builds loss = sum(f(inputs) * weights) with random weights, differentiates it, and compares the
 * gradient of every differentiated input with central differences.
 */
export async function gradCheck(
  inputs: GradInput[],
  f: (g: Graph, values: Value[]) => Value,
  options: {
    dtype?: DType;
    epsilon?: number;
    seed?: number;
    outputDims?: number[];
    kernels?: KernelSet;
    /** Every evaluation in a session of its own: a seeded random op (Dropout) then draws the same mask each time. */
    freshSessions?: boolean;
  } = {},
): Promise<GradCheckResult> {
  const dtype = options.dtype ?? 'float64';
  const epsilon = options.epsilon ?? (dtype === 'float64' ? 1e-6 : 1e-2);
  const g = new Graph('gradcheck', options.kernels ?? CPU_KERNELS);
  const values = inputs.map((i) => g.input(i.name, i.dtype ?? dtype, i.shape));
  const y = f(g, values);
  const weights = g.input('loss_weights', y.dtype, [...y.shape]);
  const loss = reduceSum(g, mul(g, y, weights), [], false);
  const wrt = values.filter((v, k) => inputs[k].differentiate ?? (v.dtype === 'float32' || v.dtype === 'float64'));
  const grads = gradients(g, loss, wrt);
  g.output(loss, 'loss');
  grads.forEach((gr, k) => g.output(gr, `grad_${wrt[k].name}`));
  const model = emitModel(g);
  const create = () => ort.InferenceSession.create(model, { intraOpNumThreads: 1, graphOptimizationLevel: 'disabled' });
  const reused = await create();
  const session = { run: async (feeds: Record<string, ort.Tensor>) => (options.freshSessions ? await create() : reused).run(feeds) };

  const rand = seededRandom(options.seed ?? 7);
  const yDims =
    options.outputDims ??
    y.shape.map((d) => {
      if (typeof d !== 'number') throw new Error(`gradCheck needs outputDims for the symbolic output shape [${y.shape}]`);
      return d;
    });
  const weightData = randomArray(
    yDims.reduce((p, d) => p * d, 1),
    rand,
  );
  const feedsFor = (override?: { input: number; index: number; delta: number }) => {
    const feeds: Record<string, ort.Tensor> = {};
    inputs.forEach((inp, k) => {
      const data = [...inp.data];
      if (override && override.input === k) data[override.index] += override.delta;
      feeds[inp.name] = tensorOf(inp.dtype ?? dtype, data, inp.dims);
    });
    feeds.loss_weights = tensorOf(y.dtype, weightData, yDims);
    return feeds;
  };
  const base = await session.run(feedsFor());
  const analytic = wrt.map((v) => Array.from(base[`grad_${v.name}`].data as Float64Array, Number));
  const numeric: number[][] = [];
  for (const v of wrt) {
    const k = inputs.findIndex((i) => i.name === v.name);
    const grad: number[] = [];
    for (let index = 0; index < inputs[k].data.length; index++) {
      const plus = Number((await session.run(feedsFor({ input: k, index, delta: epsilon }))).loss.data[0]);
      const minus = Number((await session.run(feedsFor({ input: k, index, delta: -epsilon }))).loss.data[0]);
      grad.push((plus - minus) / (2 * epsilon));
    }
    numeric.push(grad);
  }
  let maxAbsError = 0;
  let maxRelError = 0;
  analytic.forEach((a, k) =>
    a.forEach((x, i) => {
      const err = Math.abs(x - numeric[k][i]);
      maxAbsError = Math.max(maxAbsError, err);
      maxRelError = Math.max(maxRelError, err / Math.max(1, Math.abs(numeric[k][i])));
    }),
  );
  return { maxAbsError, maxRelError, analytic, numeric };
}
