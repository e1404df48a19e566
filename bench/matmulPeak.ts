// The machine's forward-pass FLOP/s: onnxruntime running an encoder layer's dense MatMuls alone (query, key,
// value, output, intermediate, output of the MLP, chained as [batch, seq, hidden] x [in, out]), with the
// session options and threads the predictor uses: best of `runs`, and all of them together. The upper bound the predictor's MatMuls can reach.
import * as ort from 'onnxruntime-node';
import { emitModel } from '../src/core/graph/emit';
import { Graph } from '../src/core/graph/graph';
import * as ops from '../src/core/graph/ops';
import type { EncoderConfig } from '../src/core/model/types';
import { SeededRandom } from '../src/core/util/random';

export interface MatmulPeak {
  flopsPerSecond: number;
  /** Over all the runs together: what the machine gave while they ran (lower than the best when it is shared). */
  sustainedFlopsPerSecond: number;
  /** Per second of this process's CPU time (all threads): what its threads did while they ran, however shared the machine. */
  cpuFlopsPerSecond: number;
  /** FLOPs of one run of the chain. */
  flops: number;
  bestMs: number;
}

export async function matmulPeak(config: EncoderConfig, batch: number, seq: number, threads: number, runs: number): Promise<MatmulPeak> {
  const H = config.hidden_size;
  const I = config.intermediate_size;
  const random = new SeededRandom(5);
  const g = new Graph('matmul-peak');
  const x = g.input('x', 'float32', [batch, seq, H]);
  const widths: [number, number][] = [
    [H, H],
    [H, H],
    [H, H],
    [H, H],
    [H, I],
    [I, H],
  ];
  let y = x;
  widths.forEach(([rows, cols], i) => {
    const w = g.initializer(
      `w${i}`,
      'float32',
      [rows, cols],
      Float32Array.from({ length: rows * cols }, () => (random.next() - 0.5) * 0.1),
    );
    y = ops.matmul(g, y, w);
  });
  g.output(y, 'y');
  const session = await ort.InferenceSession.create(emitModel(g), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'basic',
  });
  const feeds = {
    x: new ort.Tensor(
      'float32',
      Float32Array.from({ length: batch * seq * H }, () => random.next() - 0.5),
      [batch, seq, H],
    ),
  };
  const flops = widths.reduce((sum, [rows, cols]) => sum + 2 * batch * seq * rows * cols, 0);
  await session.run(feeds);
  let bestMs = Infinity;
  let totalMs = 0;
  const cpu = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    const ms = performance.now() - t0;
    bestMs = Math.min(bestMs, ms);
    totalMs += ms;
  }
  const { user, system } = process.cpuUsage(cpu);
  await session.release();
  return {
    flopsPerSecond: (flops / bestMs) * 1000,
    sustainedFlopsPerSecond: ((flops * runs) / totalMs) * 1000,
    cpuFlopsPerSecond: ((flops * runs) / (user + system)) * 1e6,
    flops,
    bestMs,
  };
}
