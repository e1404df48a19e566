import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { prepareTokenTask, type PreparedTask } from '../../../src/core/pasta/tasks';
import { loadTrainingCheckpoint, type TrainingCheckpoint } from '../../../src/core/training/trainingCheckpoint';
import { train, TrainingError, type TrainingHyperparameters, type TrainOptions, type TrainResult } from '../../../src/core/training/trainer';
import type { TrainingEvent } from '../../../src/core/training/trainingEvents';
import type { PastaParams, PastaRuntime } from '../../../src/core/pasta/runtime';
import { syntheticNer, tinyBase, tinyRuntime, type TinyBase } from './tinyPasta';

let base: TinyBase;
let task: PreparedTask;
const runtimes: PastaRuntime[] = [];
before(async () => {
  base = await tinyBase();
  task = prepareTokenTask(base.tokenizer, ['PER', 'LOC'], syntheticNer(20, 1), syntheticNer(6, 2), { maxLength: 16, stride: 4, wordSplit: 'whitespace' });
});
after(async () => {
  for (const r of runtimes) await r.release();
  await base.remove();
});

const HP: TrainingHyperparameters = { epochs: 3, batchSize: 4, learningRate: 3e-2, warmupRatio: 0.1, weightDecay: 0.01, patience: 0, seed: 42 };

interface Run {
  result: TrainResult;
  events: TrainingEvent[];
  losses: number[];
}

async function run(options: Partial<TrainOptions> & { abortAfterStep?: number } = {}): Promise<Run> {
  const runtime = tinyRuntime(base, task.id2label.length);
  runtimes.push(runtime);
  const events: TrainingEvent[] = [];
  const controller = new AbortController();
  const result = await train({
    runtime,
    task,
    hyperparameters: HP,
    signal: controller.signal,
    ...options,
    onEvent: (e) => {
      events.push(e);
      if (e.type === 'step' && e.step === options.abortAfterStep) controller.abort();
    },
  });
  return { result, events, losses: events.flatMap((e) => (e.type === 'step' ? [e.loss] : [])) };
}

const arrays = (p: PastaParams) => [...p.vectors, p.classifierWeight, p.classifierBias].map((a) => Array.from(a));
const checkpointIn = async (dir: string): Promise<TrainingCheckpoint> => {
  const c = await loadTrainingCheckpoint(dir);
  assert.ok(c, `a checkpoint in ${dir}`);
  return c;
};

test('training is deterministic: the same seed gives identical losses and parameters', async () => {
  const [a, b] = [await run({ checkpointDir: join(base.root, 'det-a') }), await run({ checkpointDir: join(base.root, 'det-b') })];
  assert.equal(a.losses.length, 3 * Math.ceil(task.train.length / HP.batchSize));
  assert.deepEqual(a.losses, b.losses);
  assert.deepEqual(arrays(a.result.params), arrays(b.result.params));
  assert.deepEqual(a.result.history, b.result.history);
  const [ca, cb] = [await checkpointIn(join(base.root, 'det-a')), await checkpointIn(join(base.root, 'det-b'))];
  assert.deepEqual(arrays(ca.params), arrays(cb.params));
  assert.ok(a.losses.at(-1)! < a.losses[0], `the loss falls (${a.losses[0]} -> ${a.losses.at(-1)})`);
  const other = await run({ hyperparameters: { ...HP, seed: 7 } });
  assert.notDeepEqual(other.losses, a.losses);
});

test('cancelled during epoch 2 (twice) and resumed from the epoch-1 checkpoint, training ends exactly as an uninterrupted run', async () => {
  const stepsPerEpoch = Math.ceil(task.train.length / HP.batchSize);
  const whole = await run({ checkpointDir: join(base.root, 'whole'), runFingerprint: 'run-1' });
  const dir = join(base.root, 'interrupted');
  const cancelled = await run({ checkpointDir: dir, runFingerprint: 'run-1', abortAfterStep: stepsPerEpoch + 2 });
  assert.equal(cancelled.result.cancelled, true);
  assert.deepEqual(cancelled.events.at(-1), { type: 'cancelled', epoch: 2, step: stepsPerEpoch + 2, checkpoint: join(dir, 'checkpoint.safetensors') });
  assert.equal((await checkpointIn(dir)).epoch, 1);

  // Cancelled again before epoch 2 ends: the epoch-1 checkpoint still holds, and the event says so.
  const again = await run({ checkpointDir: dir, runFingerprint: 'run-1', resume: true, abortAfterStep: stepsPerEpoch + 1 });
  assert.deepEqual(again.events.at(-1), { type: 'cancelled', epoch: 2, step: stepsPerEpoch + 1, checkpoint: join(dir, 'checkpoint.safetensors') });

  const resumed = await run({ checkpointDir: dir, runFingerprint: 'run-1', resume: true });
  const start = resumed.events.find((e) => e.type === 'start');
  assert.equal(start?.type === 'start' && start.resumedFromEpoch, 1);
  assert.deepEqual(resumed.losses, whole.losses.slice(stepsPerEpoch));
  assert.deepEqual(cancelled.losses, whole.losses.slice(0, stepsPerEpoch + 2));
  assert.deepEqual(resumed.result.history, whole.result.history);
  assert.equal(resumed.result.bestEpoch, whole.result.bestEpoch);
  assert.deepEqual(arrays(resumed.result.params), arrays(whole.result.params));
  const [a, b] = [await checkpointIn(join(base.root, 'whole')), await checkpointIn(dir)];
  assert.equal(b.epoch, 3);
  assert.deepEqual(arrays(b.params), arrays(a.params));
  assert.deepEqual(
    b.optimizer.expAvgSq.map((v) => Array.from(v)),
    a.optimizer.expAvgSq.map((v) => Array.from(v)),
  );
  assert.equal(b.optimizer.step, a.optimizer.step);
});

test('a checkpoint of another run fingerprint is ignored: training starts afresh', async () => {
  const dir = join(base.root, 'fingerprint');
  await run({ checkpointDir: dir, runFingerprint: 'old-data', hyperparameters: { ...HP, epochs: 1, seed: 3 } });
  assert.ok(await loadTrainingCheckpoint(dir, 'old-data'));
  assert.equal(await loadTrainingCheckpoint(dir, 'new-data'), undefined);
  const fresh = await run({ checkpointDir: join(base.root, 'fingerprint-fresh'), runFingerprint: 'new-data' });
  const resumed = await run({ checkpointDir: dir, runFingerprint: 'new-data', resume: true });
  const start = resumed.events.find((e) => e.type === 'start');
  assert.equal(start?.type === 'start' && start.resumedFromEpoch, undefined);
  assert.deepEqual(resumed.losses, fresh.losses);
  assert.deepEqual(arrays(resumed.result.params), arrays(fresh.result.params));
  assert.equal((await checkpointIn(dir)).runFingerprint, 'new-data');
});

test('an absurd learning rate is stopped with a TrainingError naming the epoch and the step', async () => {
  await assert.rejects(
    run({ hyperparameters: { ...HP, learningRate: 1e30, warmupRatio: 0 } }),
    (err: unknown) => err instanceof TrainingError && /^training diverged at epoch 1, step \d+: /.test(err.message),
  );
});

test('an empty training set is a clear error', async () => {
  const empty: PreparedTask = { ...task, train: [] };
  const runtime = tinyRuntime(base, task.id2label.length);
  runtimes.push(runtime);
  await assert.rejects(
    train({ runtime, task: empty, hyperparameters: HP }),
    (err: unknown) => err instanceof TrainingError && /training set is empty/.test(err.message),
  );
});
