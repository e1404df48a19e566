// `npm run bench`: every benchmark, each in its own process (so peak RSS is its own), one JSON object per
// line on stdout. Flags: --only <name,...>, --wnut-epochs N (default 3), --threads N, --device cpu|webgpu|cuda|...
// (default cpu; every row names the device that ran, and fallback_reason where it is not the one asked for),
// --precision fp32|int8 (default fp32: the frozen base's products; every row names the precision that ran). The
// MiniLM and BERT-base 8 x 128 train steps and predict-file run in both precisions, back to back; predict-corpus
// alternates the two in one process.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEVICE_REQUESTS } from '../src/core/engine/deviceNames';
import { PRECISIONS } from '../src/core/graph/kernels';
import { defaultModelDir } from '../src/core/model/hub/cacheDir';
import { vsReference } from './vsReference';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    'wnut-epochs': { type: 'string', default: '3' },
    threads: { type: 'string', default: String(availableParallelism()) },
    device: { type: 'string', default: 'cpu' },
    precision: { type: 'string', default: 'fp32' },
  },
});
if (!(PRECISIONS as readonly string[]).includes(values.precision!)) {
  console.error(`bench: --precision must be one of ${PRECISIONS.join(', ')}, found "${values.precision}"`);
  process.exit(1);
}
if (!(DEVICE_REQUESTS as readonly string[]).includes(values.device!)) {
  console.error(`bench: --device must be one of ${DEVICE_REQUESTS.join(', ')}, found "${values.device}"`);
  process.exit(1);
}
const only = values.only ? new Set(values.only.split(',')) : undefined;
const env = { ...process.env, PASTA_THREADS: values.threads, PASTA_DEVICE: values.device, PASTA_PRECISION: values.precision };
const minilm = defaultModelDir();
const results: Record<string, unknown>[] = [];

function run(name: string, script: string, ...scriptArgs: string[]): void {
  runWith({}, name, script, ...scriptArgs);
}

/** run() with environment overrides, e.g. { PASTA_PRECISION: 'int8' }; returns the script's last row, if it gave one. */
function runWith(overrides: NodeJS.ProcessEnv, name: string, script: string, ...scriptArgs: string[]): Record<string, unknown> | undefined {
  const command = process.execPath;
  const args = ['--import', 'tsx', join('bench', script), ...scriptArgs];
  if (only && !only.has(name)) return undefined;
  const res = spawnSync(command, args, { env: { ...env, ...overrides }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  const lines = res.stdout.split('\n').filter((l) => l.startsWith('{'));
  if (res.status !== 0 || lines.length === 0) {
    console.log(JSON.stringify({ bench: name, error: `exit ${res.status}`, args }));
    return undefined;
  }
  for (const line of lines) {
    console.log(line);
    results.push(JSON.parse(line));
  }
  return results[results.length - 1];
}

if (!existsSync(join(minilm, 'model.safetensors'))) {
  console.error(`bench: ${minilm} is missing; run \`npm run fetch-model\``);
  process.exit(1);
}
const otherPrecision = values.precision === 'int8' ? 'fp32' : 'int8';
run('train-step', 'trainStep.ts', minilm, '8', '128', '10');
runWith({ PASTA_PRECISION: otherPrecision }, 'train-step', 'trainStep.ts', minilm, '8', '128', '10');
run('train-step', 'trainStep.ts', minilm, '16', 'wnut17', '20');
run('train-step', 'trainStep.ts', 'bert-base', '8', '128', '3');
runWith({ PASTA_PRECISION: otherPrecision }, 'train-step', 'trainStep.ts', 'bert-base', '8', '128', '3');
run('train-step', 'trainStep.ts', 'bert-base', '16', 'wnut17', '6');
run('train-step', 'trainStep.ts', 'deberta-v3-base', '8', '128', '3');
run('train-step', 'trainStep.ts', 'modernbert-base', '8', '128', '3');
run('train-step', 'trainStep.ts', 'xlm-roberta-base', '8', '128', '3');
run('tokenize', 'tokenize.ts');
run('predict-file', 'predictFile.ts', minilm);
runWith({ PASTA_PRECISION: otherPrecision }, 'predict-file', 'predictFile.ts', minilm);
run('predict-corpus', 'predictCorpus.ts', minilm, '3', otherPrecision);

const python = join(homedir(), '.cache', 'pasta-studio', 'reference-venv', 'bin', 'python');
if ((!only || only.has('vs-reference')) && existsSync(python)) {
  for (const [model, steps] of [
    [{ reference: 'all-MiniLM-L6-v2', ours: minilm }, '10'],
    [{ reference: 'bert-base-random', ours: 'bert-base' }, '3'],
  ] as const) {
    const ours = (dropout: string) => runWith({ PASTA_DROPOUT: dropout }, 'vs-reference', 'trainStep.ts', model.ours, '8', '128', steps);
    for (const row of vsReference(python, model, values.threads!, values.precision!, ours)) console.log(JSON.stringify(row));
  }
} else if (!only || only.has('vs-reference')) {
  console.error('bench: vs-reference skipped: the PyTorch reference venv is not installed (tools/reference/setup.sh)');
}
run('train-wnut17', 'trainWnut17.ts', values['wnut-epochs']!);
run('train-spam-assassin', 'trainSpamAssassin.ts', '3', '800');
