// One train-step benchmark case, run in its own process so that peak RSS is this case's alone.
// Usage: node --import tsx bench/trainStep.ts <minilm-l6|bert-base|path-to-model-folder> <batch> <seq|wnut17> [steps]
// PASTA_PROFILE=<prefix> also writes onnxruntime's per-node profile of each graph; PASTA_PRECISION=int8 runs the
// frozen base's products in int8; PASTA_DROPOUT (none | pasta | all, default pasta) the dropouts each step applies
// (bench/dropoutSetting.ts).
import { benchDevice, benchPrecision, deviceFields } from './device';
import { benchDropout } from './dropoutSetting';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { loadModelFolder } from '../src/core/model/modelFolder';
import { SeededRandom } from '../src/core/util/random';
import { initParams, PastaRuntime } from '../src/core/pasta/runtime';
import type { EncodedExample } from '../src/core/engine/batch';
import { randomEncoder, SHAPES, trainStepFlops } from './randomModel';

async function main() {
  const [modelArg, batchArg, seqArg, stepsArg] = process.argv.slice(2);
  const batch = Number(batchArg);
  const steps = Number(stepsArg ?? 6);
  const threads = Number(process.env.PASTA_THREADS ?? availableParallelism());
  const { config, weights } = modelArg in SHAPES ? randomEncoder(modelArg as keyof typeof SHAPES) : await loadModelFolder(modelArg);
  const random = new SeededRandom(3);
  // Sequence lengths: fixed, or WNUT-17 training sentences' piece counts as recorded by bench/wnut17-lengths.json.
  const lengths: number[] = seqArg === 'wnut17' ? (JSON.parse(readFileSync('bench/wnut17-lengths.json', 'utf8')) as number[]) : [Number(seqArg)];
  const numLabels = 13;
  const numSlots = 2;
  const { dropout, encoderDropout } = benchDropout();
  const runtime = new PastaRuntime({
    config,
    weights,
    task: 'token',
    numLabels,
    numSlots,
    padTokenId: config.pad_token_id,
    releaseWeightsAfterWarmUp: true,
    device: benchDevice(),
    threads,
    precision: benchPrecision(),
    profilePrefix: process.env.PASTA_PROFILE,
    encoderDropout,
  });
  const buildStart = performance.now();
  await runtime.warmUp();
  const buildMs = performance.now() - buildStart;
  const params = initParams(config, numSlots, numLabels, random.next);
  const makeBatch = (): EncodedExample[] =>
    Array.from({ length: batch }, () => {
      const n = lengths[Math.floor(random.next() * lengths.length)];
      const ids = Array.from({ length: n }, (_, i) => (i === 0 ? 101 : i === n - 1 ? 102 : 1000 + Math.floor(random.next() * 20000)));
      return {
        inputIds: ids,
        specialTokensMask: ids.map((_, i) => (i === 0 || i === n - 1 ? 1 : 0)),
        labels: ids.map((_, i) => (i === 0 || i === n - 1 ? -100 : Math.floor(random.next() * numLabels))),
      };
    });
  const times: number[] = [];
  // CPU time (user + system, all threads) beside the wall time: on a shared machine the wall time of a step
  // depends on the other processes, its CPU time much less (with one thread, not at all on spinning).
  const cpuTimes: number[] = [];
  const tokenCounts: number[] = [];
  const flops: number[] = [];
  for (let i = 0; i < steps + 1; i++) {
    const examples = makeBatch();
    const seq = Math.max(...examples.map((e) => e.inputIds.length));
    const [t0, cpu0] = [performance.now(), process.cpuUsage()];
    await runtime.trainStep(examples, params, {
      dropout: dropout === 'none' ? 0 : 0.1,
      random: random.next,
      dropoutMask: random.dropoutMask,
      keepMask: random.keepMask,
    });
    const [ms, cpu] = [performance.now() - t0, process.cpuUsage(cpu0)];
    if (i === 0) continue; // the first run allocates onnxruntime's buffers
    times.push(ms);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
    tokenCounts.push(batch * seq);
    flops.push(trainStepFlops(config, batch * seq, seq));
  }
  const order = times.map((_, i) => i).sort((a, b) => times[a] - times[b]);
  const mid = order[Math.floor(order.length / 2)];
  const msPerStep = times[mid];
  console.log(
    JSON.stringify({
      bench: 'train-step',
      unit: 'tokens/s',
      model: modelArg in SHAPES ? `${modelArg} (random weights)` : modelArg,
      batch,
      seq: seqArg === 'wnut17' ? 'wnut17' : Number(seqArg),
      threads,
      steps,
      dropout,
      tokens_per_s: Math.round((tokenCounts[mid] / msPerStep) * 1000),
      gflops_per_s: Number((flops[mid] / msPerStep / 1e6).toFixed(1)),
      ms_per_step: Number(msPerStep.toFixed(1)),
      cpu_ms_per_step: Number([...cpuTimes].sort((a, b) => a - b)[Math.floor(cpuTimes.length / 2)].toFixed(1)),
      graph_build_ms: Math.round(buildMs),
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      ...deviceFields(runtime),
    }),
  );
  await runtime.release();
}
main().catch((err) => {
  console.error(err);
  process.exit(2);
});
