// Training with each dropout setting on a tiny BERT: "all" runs the encoder's own dropouts inside the training
// graph, with masks the step draws from the run's generator: reproducibly for a seed, and after a resume as an
// uninterrupted run; the trainer refuses a runtime built for another setting.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PastaRuntime } from '../../../src/core/pasta/runtime';
import { prepareTokenTask, type PreparedTask } from '../../../src/core/pasta/tasks';
import { train, type TrainingHyperparameters, type TrainOptions } from '../../../src/core/training/trainer';
import type { TrainingEvent } from '../../../src/core/training/trainingEvents';
import { syntheticNer, tinyBase, type TinyBase } from './tinyPasta';

let base: TinyBase;
let task: PreparedTask;
const runtimes: PastaRuntime[] = [];
before(async () => {
  base = await tinyBase();
  task = prepareTokenTask(base.tokenizer, ['PER', 'LOC'], syntheticNer(12, 1), syntheticNer(4, 2), { maxLength: 16, stride: 4, wordSplit: 'whitespace' });
});
after(async () => {
  for (const r of runtimes) await r.release();
  await base.remove();
});

const HP: TrainingHyperparameters = { epochs: 2, batchSize: 4, learningRate: 3e-2, warmupRatio: 0.1, weightDecay: 0, patience: 0, seed: 42 };

async function losses(
  dropout: TrainingHyperparameters['dropout'],
  runtimeFor: TrainingHyperparameters['dropout'] = dropout,
  options: Partial<TrainOptions> & { abortAfterStep?: number } = {},
) {
  const encoderDropout = runtimeFor === 'all';
  const runtime = new PastaRuntime({
    config: base.config,
    weights: base.weights,
    task: 'token',
    numLabels: task.id2label.length,
    numSlots: 2,
    padTokenId: 0,
    device: 'cpu',
    threads: 1,
    encoderDropout,
  });
  runtimes.push(runtime);
  const events: TrainingEvent[] = [];
  const controller = new AbortController();
  await train({
    runtime,
    task,
    hyperparameters: { ...HP, dropout },
    signal: controller.signal,
    ...options,
    onEvent: (e) => {
      events.push(e);
      if (e.type === 'step' && e.step === options.abortAfterStep) controller.abort();
    },
  });
  const start = events.find((e) => e.type === 'start');
  return { start: start?.type === 'start' ? start.dropout : undefined, losses: events.flatMap((e) => (e.type === 'step' ? [e.loss] : [])) };
}

test('dropout "all" trains reproducibly for a seed, and differs from "pasta" and "none"', async () => {
  const [all, again, pasta, none] = [await losses('all'), await losses('all'), await losses('pasta'), await losses('none')];
  assert.equal(all.start, 'all');
  assert.equal(none.start, 'none');
  assert.ok(all.losses.every(Number.isFinite));
  assert.deepEqual(all.losses, again.losses);
  // The first step's parameters are equal in every run: only the dropouts tell the losses apart.
  assert.notEqual(all.losses[0], pasta.losses[0]);
  assert.notEqual(pasta.losses[0], none.losses[0]);
});

test('the trainer refuses a runtime built for another dropout setting', async () => {
  await assert.rejects(losses('all', 'pasta'), /dropout "all" needs a runtime with encoderDropout/);
  await assert.rejects(losses('pasta', 'all'), /dropout "pasta" needs a runtime without encoderDropout/);
});

test('dropout "all" cancelled in epoch 2 and resumed from the epoch-1 checkpoint draws the masks an uninterrupted run draws', async () => {
  const stepsPerEpoch = Math.ceil(task.train.length / HP.batchSize);
  const whole = await losses('all', 'all', { checkpointDir: join(base.root, 'all-whole'), runFingerprint: 'all' });
  const dir = join(base.root, 'all-interrupted');
  await losses('all', 'all', { checkpointDir: dir, runFingerprint: 'all', abortAfterStep: stepsPerEpoch + 1 });
  const resumed = await losses('all', 'all', { checkpointDir: dir, runFingerprint: 'all', resume: true });
  assert.equal(resumed.losses.length, stepsPerEpoch);
  assert.deepEqual(resumed.losses, whole.losses.slice(stepsPerEpoch));
});
