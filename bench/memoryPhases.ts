// Where a train step's memory goes: VmRSS and VmHWM (/proc/self/status) after each phase of a PastaRuntime's
// life, for a random base-sized model at batch x seq. One process per model, so the peak is this model's alone.
// Usage: node --import tsx --expose-gc bench/memoryPhases.ts <shape> <batch> <seq> [steps]
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { SeededRandom } from '../src/core/util/random';
import { initParams, PastaRuntime } from '../src/core/pasta/runtime';
import type { EncodedExample } from '../src/core/engine/batch';
import { randomEncoder, SHAPES } from './randomModel';
import { benchPrecision } from './device';

function memory(): { rss_mb: number; hwm_mb: number; anon_mb: number; file_mb: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const mb = (field: string) => Math.round(Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]) / 1024);
  return { rss_mb: mb('VmRSS'), hwm_mb: mb('VmHWM'), anon_mb: mb('RssAnon'), file_mb: mb('RssFile') };
}

async function main() {
  const [shape, batchArg, seqArg, stepsArg] = process.argv.slice(2);
  if (!(shape in SHAPES)) throw new Error(`shape must be one of ${Object.keys(SHAPES).join(', ')}`);
  const batch = Number(batchArg);
  const seq = Number(seqArg);
  const steps = Number(stepsArg ?? 3);
  const phases: Record<string, ReturnType<typeof memory>> = {};
  const mark = (phase: string) => {
    (globalThis as { gc?: () => void }).gc?.();
    phases[phase] = memory();
  };
  mark('start');
  const { config, weights } = randomEncoder(shape as keyof typeof SHAPES);
  mark('weights');
  const numLabels = 13;
  const numSlots = 2;
  const runtime = new PastaRuntime({
    config,
    weights,
    task: 'token',
    numLabels,
    numSlots,
    padTokenId: config.pad_token_id,
    releaseWeightsAfterWarmUp: true,
    device: 'cpu',
    threads: Number(process.env.PASTA_THREADS ?? availableParallelism()),
    precision: benchPrecision(),
    onPhase: mark,
  });
  await runtime.warmUp();
  mark('warm');
  const random = new SeededRandom(3);
  const params = initParams(config, numSlots, numLabels, random.next);
  const examples = (): EncodedExample[] =>
    Array.from({ length: batch }, () => {
      const ids = Array.from({ length: seq }, (_, i) => (i === 0 ? 1 : i === seq - 1 ? 2 : 1000 + Math.floor(random.next() * 20000)));
      return {
        inputIds: ids,
        specialTokensMask: ids.map((_, i) => (i === 0 || i === seq - 1 ? 1 : 0)),
        labels: ids.map(() => Math.floor(random.next() * numLabels)),
      };
    });
  for (let i = 0; i < steps; i++) {
    await runtime.trainStep(examples(), params, { dropout: 0.1, random: random.next, dropoutMask: random.dropoutMask });
    mark(`step ${i + 1}`);
  }
  console.log(JSON.stringify({ bench: 'memory-phases', model: shape, batch, seq, phases }));
  await runtime.release();
}
main().catch((err) => {
  console.error(err);
  process.exit(2);
});
