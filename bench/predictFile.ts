// predict-file: time to predict the entities of one text file with a PASTA adapter (values do not change
// the speed, so the adapter is freshly initialised), model load excluded, session start included once.
// Usage: node --import tsx bench/predictFile.ts <model-folder> <text-file>
import { benchDevice, deviceFields } from './device';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { loadModelFolder } from '../src/core/model/modelFolder';
import { loadTokenizer } from '../src/core/model/tokenizer';
import { iob2Labels } from '../src/core/data/alignment';
import { predictSpans } from '../src/core/prediction/predictor';
import { SeededRandom } from '../src/core/util/random';
import { initParams, PastaRuntime } from '../src/core/pasta/runtime';
import { WNUT17_LABELS } from './wnut17';

async function main() {
  const [modelDir, file] = process.argv.slice(2);
  const threads = Number(process.env.PASTA_THREADS ?? availableParallelism());
  const [{ config, weights }, tokenizer] = await Promise.all([loadModelFolder(modelDir), loadTokenizer(modelDir)]);
  const id2label = iob2Labels(WNUT17_LABELS);
  const runtime = new PastaRuntime({
    config,
    weights,
    task: 'token',
    numLabels: id2label.length,
    numSlots: 2,
    padTokenId: tokenizer.specialTokens.pad,
    device: benchDevice(),
    threads,
  });
  const text = readFileSync(file, 'utf8');
  const adapter = { name: 'bench', id2label, params: initParams(config, 2, id2label.length, new SeededRandom(1).next) };
  const options = { maxLength: 128, stride: 32, wordSplit: 'tokenizer' as const, batchSize: 16 };
  const coldStart = performance.now();
  await predictSpans(runtime, tokenizer, [adapter], [text], options);
  const coldMs = performance.now() - coldStart;
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await predictSpans(runtime, tokenizer, [adapter], [text], options);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      bench: 'predict-file',
      unit: 'ms',
      file,
      ms: Number(times[2].toFixed(1)),
      first_call_ms: Math.round(coldMs),
      tokens: tokenizer.encode(text, undefined, { addSpecialTokens: false }).ids.length,
      characters: text.length,
      threads,
      ...deviceFields(runtime),
    }),
  );
  await runtime.release();
}
main().catch((err) => {
  console.error(err);
  process.exit(2);
});
