// Best-epoch selection, early stopping and the divergence guard, with dev scores and losses scripted.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { EncodedExample } from '../../../src/core/engine/batch';
import { PastaRuntime, type PastaParams, type Regularisation, type StepResult } from '../../../src/core/pasta/runtime';
import { prepareTokenTask, type DevScores, type PreparedTask } from '../../../src/core/pasta/tasks';
import { loadTrainingCheckpoint } from '../../../src/core/training/trainingCheckpoint';
import { train, TrainingError, type TrainingHyperparameters } from '../../../src/core/training/trainer';
import type { TrainingEvent } from '../../../src/core/training/trainingEvents';
import { syntheticNer, tinyBase, tinyRuntime, type TinyBase } from './tinyPasta';

let base: TinyBase;
let realTask: PreparedTask;
const runtimes: PastaRuntime[] = [];
before(async () => {
  base = await tinyBase();
  realTask = prepareTokenTask(base.tokenizer, ['PER', 'LOC'], syntheticNer(8, 1), syntheticNer(3, 2), { maxLength: 16, stride: 4, wordSplit: 'whitespace' });
});
after(async () => {
  for (const r of runtimes) await r.release();
  await base.remove();
});

const HP: TrainingHyperparameters = { epochs: 6, batchSize: 4, learningRate: 1e-2, warmupRatio: 0, weightDecay: 0, patience: 0, seed: 1 };
const scores = (f1: number, precision: number): DevScores => ({ f1, precision, recall: f1, perLabel: {} });

/** The real training examples, with dev scores that follow a script, one per evaluation. */
function scriptedTask(script: DevScores[]): PreparedTask & { calls: number } {
  const task = {
    ...realTask,
    calls: 0,
    score(probabilities: Float32Array[]): DevScores {
      assert.equal(probabilities.length, realTask.dev.length);
      return script[task.calls++];
    },
  };
  return task;
}

function runtime(): PastaRuntime {
  const r = tinyRuntime(base, realTask.id2label.length);
  runtimes.push(r);
  return r;
}

const arrays = (p: PastaParams) => [...p.vectors, p.classifierWeight, p.classifierBias].map((a) => Array.from(a));

test('the best epoch is chosen by F1, not precision, and its parameters are the ones returned', async () => {
  const task = scriptedTask([scores(0.3, 0.9), scores(0.6, 0.5), scores(0.5, 0.95), scores(0.6, 0.99)]);
  const dir = join(base.root, 'selection');
  const events: TrainingEvent[] = [];
  const result = await train({
    runtime: runtime(),
    task,
    hyperparameters: { ...HP, epochs: 4 },
    checkpointDir: dir,
    onEvent: (e) => {
      events.push(e);
      if (e.type === 'checkpoint') copyFileSync(e.path, join(dir, `epoch-${e.epoch}.safetensors`));
    },
  });
  assert.equal(result.bestEpoch, 2, 'a later tie does not replace the best');
  assert.deepEqual(result.best, scores(0.6, 0.5));
  assert.deepEqual(
    events.flatMap((e) => (e.type === 'epoch' ? [e.best] : [])),
    [true, true, false, false],
  );
  assert.deepEqual(events.at(-1), { type: 'done', bestEpoch: 2, best: scores(0.6, 0.5) });
  // The epoch-2 checkpoint holds the parameters at the end of epoch 2.
  copyFileSync(join(dir, 'epoch-2.safetensors'), join(dir, 'checkpoint.safetensors'));
  const atEpoch2 = await loadTrainingCheckpoint(dir);
  assert.deepEqual(arrays(result.params), arrays(atEpoch2!.params));
  assert.deepEqual(
    events.flatMap((e) => (e.type === 'epoch' ? [e.epoch] : [])),
    [1, 2, 3, 4],
  );
});

test('early stopping stops after `patience` epochs without an F1 gain', async () => {
  const task = scriptedTask([scores(0.2, 0.2), scores(0.5, 0.5), scores(0.4, 0.9), scores(0.45, 0.9), scores(0.9, 0.9), scores(0.95, 0.9)]);
  const events: TrainingEvent[] = [];
  const result = await train({ runtime: runtime(), task, hyperparameters: { ...HP, patience: 2 }, onEvent: (e) => events.push(e) });
  assert.equal(task.calls, 4);
  assert.equal(result.history.length, 4);
  assert.equal(result.bestEpoch, 2);
  assert.deepEqual(
    events.find((e) => e.type === 'early-stop'),
    { type: 'early-stop', epoch: 4, bestEpoch: 2 },
  );
});

test('after a resume, early stopping still counts the epochs without gain from before the interruption', async () => {
  const script = [scores(0.2, 0.2), scores(0.5, 0.5), scores(0.4, 0.9), scores(0.3, 0.9), scores(0.9, 0.9), scores(0.95, 0.9)];
  const dir = join(base.root, 'resume-patience');
  const controller = new AbortController();
  const first = scriptedTask(script);
  const stepsPerEpoch = Math.ceil(realTask.train.length / HP.batchSize);
  const cancelled = await train({
    runtime: runtime(),
    task: first,
    hyperparameters: { ...HP, patience: 2 },
    checkpointDir: dir,
    signal: controller.signal,
    onEvent: (e) => e.type === 'step' && e.step === 3 * stepsPerEpoch + 1 && controller.abort(),
  });
  assert.equal(cancelled.cancelled, true);
  assert.equal(first.calls, 3);
  const second = scriptedTask(script.slice(3));
  const events: TrainingEvent[] = [];
  const result = await train({
    runtime: runtime(),
    task: second,
    hyperparameters: { ...HP, patience: 2 },
    checkpointDir: dir,
    resume: true,
    onEvent: (e) => events.push(e),
  });
  assert.equal(second.calls, 1);
  assert.deepEqual(
    events.find((e) => e.type === 'early-stop'),
    { type: 'early-stop', epoch: 4, bestEpoch: 2 },
  );
  assert.equal(result.bestEpoch, 2);
  assert.deepEqual(
    result.history.map((h) => h.dev.f1),
    [0.2, 0.5, 0.4, 0.3],
  );
});

/** A real runtime whose n-th training step reports a NaN loss. */
class NaNAtStep extends PastaRuntime {
  steps = 0;
  constructor(private readonly nanStep: number) {
    super(tinyRuntime(base, realTask.id2label.length).options);
  }
  override async trainStep(examples: EncodedExample[], params: PastaParams, reg?: Regularisation): Promise<StepResult> {
    const result = await super.trainStep(examples, params, reg);
    return ++this.steps === this.nanStep ? { ...result, loss: Number.NaN } : result;
  }
}

test('a NaN loss stops training with a TrainingError naming the epoch and the step', async () => {
  const stepsPerEpoch = Math.ceil(realTask.train.length / HP.batchSize);
  const nan = new NaNAtStep(stepsPerEpoch + 1);
  runtimes.push(nan);
  await assert.rejects(
    train({ runtime: nan, task: scriptedTask([scores(0.1, 0.1), scores(0.2, 0.2)]), hyperparameters: HP }),
    (err: unknown) => err instanceof TrainingError && err.message.startsWith(`training diverged at epoch 2, step ${stepsPerEpoch + 1}: the loss became NaN`),
  );
});
