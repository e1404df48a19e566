import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRunView, MAX_LOSS_POINTS, parseHostMessage } from '../../../src/protocol/dashboard.js';
import { applyEvent, finishRun, newRun } from '../../../src/extension/training/runHistory.js';
import { bestRow } from '../../../src/protocol/dashboard.js';

const dev = (f1: number) => ({ f1, precision: f1, recall: f1, perLabel: { person: { precision: f1, recall: f1, f1, support: 4 } } });
const at = new Date('2026-01-01T00:00:00Z');

test('a run folds start, steps and epochs into what the dashboard draws', () => {
  let run = newRun('ner', undefined, at);
  run = applyEvent(run, {
    type: 'start',
    device: 'cpu',
    fallbackReason: 'cuda: not installed',
    trainExamples: 90,
    devExamples: 10,
    totalSteps: 4,
    trainableParameters: 9613,
  });
  run = applyEvent(run, { type: 'step', epoch: 1, step: 1, totalSteps: 4, loss: 2.5, learningRate: 1e-3, tokensPerSecond: 800, etaSeconds: 9 });
  run = applyEvent(run, { type: 'step', epoch: 1, step: 2, totalSteps: 4, loss: 2.0, learningRate: 1e-3, tokensPerSecond: 850, etaSeconds: 6 });
  run = applyEvent(run, { type: 'epoch', epoch: 1, trainLoss: 2.25, dev: dev(0.3), best: true, secondsPerEpoch: 3, devSeconds: 0.5 });
  run = applyEvent(run, { type: 'checkpoint', epoch: 1, path: '/ws/.pasta/checkpoints/ner/checkpoint.safetensors' });
  run = applyEvent(run, { type: 'epoch', epoch: 2, trainLoss: 1.5, dev: dev(0.5), best: true, secondsPerEpoch: 3, devSeconds: 0.5 });
  run = applyEvent(run, { type: 'info', message: 'ignored' });
  assert.equal(run.device, 'cpu');
  assert.equal(run.fallbackReason, 'cuda: not installed');
  assert.deepEqual(run.losses, [
    { step: 1, loss: 2.5 },
    { step: 2, loss: 2.0 },
  ]);
  assert.deepEqual(
    run.epochs.map((e) => [e.epoch, e.f1, e.best]),
    [
      [1, 0.3, false],
      [2, 0.5, true],
    ],
  );
  assert.equal(bestRow(run)?.epoch, 2);
  assert.equal(run.latest?.tokensPerSecond, 850);
  assert.equal(run.checkpoint, '/ws/.pasta/checkpoints/ner/checkpoint.safetensors');
  const done = finishRun(run, 'done', undefined, at);
  assert.equal(done.status, 'done');
  assert.ok(isRunView(done));
  // The webview keeps the run with setState (JSON): it must still be a run afterwards, NaN and all.
  const diverged = applyEvent(done, { type: 'step', epoch: 3, step: 5, totalSteps: 4, loss: Number.NaN, learningRate: 0, tokensPerSecond: 0, etaSeconds: 0 });
  assert.ok(isRunView(JSON.parse(JSON.stringify(diverged))));
  assert.deepEqual(parseHostMessage({ type: 'run', run: null }), { type: 'run', run: null });
  assert.match(parseHostMessage({ type: 'run', run: { adapterName: 'x' } }) as string, /malformed run/);
});

test('a resumed run starts with the epochs of its checkpoint', () => {
  const run = newRun(
    'ner',
    {
      bestEpoch: 1,
      history: [
        { epoch: 1, trainLoss: 2, dev: dev(0.4) },
        { epoch: 2, trainLoss: 1.8, dev: dev(0.35) },
      ],
    },
    at,
  );
  assert.deepEqual(
    run.epochs.map((e) => [e.epoch, e.best]),
    [
      [1, true],
      [2, false],
    ],
  );
  assert.equal(bestRow(run)?.f1, 0.4);
  const start = { type: 'start', device: 'cpu', trainExamples: 9, devExamples: 1, totalSteps: 40, trainableParameters: 10 } as const;
  assert.equal(applyEvent(run, { ...start, resumedFromEpoch: 2 }).epochs.length, 2);
  // The checkpoint belonged to other data or settings: the trainer started over, and so does the run.
  const fresh = applyEvent(run, start);
  assert.deepEqual([fresh.epochs, fresh.bestEpoch], [[], undefined]);
});

test('long runs keep at most MAX_LOSS_POINTS loss points, the latest always among them', () => {
  let run = newRun('big', undefined, at);
  const steps = MAX_LOSS_POINTS * 3 + 7;
  for (let step = 1; step <= steps; step++) {
    run = applyEvent(run, { type: 'step', epoch: 1, step, totalSteps: steps, loss: 1 / step, learningRate: 1e-3, tokensPerSecond: 1, etaSeconds: 0 });
  }
  assert.ok(run.losses.length <= MAX_LOSS_POINTS);
  assert.ok(run.losses.length > MAX_LOSS_POINTS / 2);
  assert.equal(run.losses.at(-1)?.step, steps);
  assert.ok(run.losses.every((p, i) => i === 0 || p.step > run.losses[i - 1].step));
});
