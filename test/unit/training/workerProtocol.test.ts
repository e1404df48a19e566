import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHostToWorker, parseWorkerToHost } from '../../../src/protocol/trainingWorker.js';

const request = { workspaceRoot: '/tmp/ws', adapterName: 'ner', overrides: { epochs: 2, device: 'cpu', threads: 0, batchSize: 8 }, resume: false };
const scores = { f1: 0.5, precision: 0.4, recall: 0.6, perLabel: { person: { precision: 0.4, recall: 0.6, f1: 0.5, support: 5 } } };

test('the worker accepts start and cancel', () => {
  assert.deepEqual(parseHostToWorker({ type: 'start', request }), { type: 'start', request });
  assert.deepEqual(parseHostToWorker({ type: 'cancel', extra: 1 }), { type: 'cancel' });
});

test('the worker rejects malformed or unknown messages with a reason', () => {
  const cases: [unknown, RegExp][] = [
    [null, /not a message object/],
    [[1], /not a message object/],
    [{ type: 'train' }, /unknown message type "train"/],
    [{ type: 'start' }, /needs a request/],
    [{ type: 'start', request: { ...request, workspaceRoot: '' } }, /workspaceRoot/],
    [{ type: 'start', request: { ...request, resume: 'yes' } }, /resume/],
    [{ type: 'start', request: { ...request, overrides: { epochs: 0 } } }, /overrides.epochs must be an integer from 1/],
    [{ type: 'start', request: { ...request, overrides: { batchSize: 1e9 } } }, /overrides.batchSize/],
    [{ type: 'start', request: { ...request, overrides: { device: 'tpu' } } }, /overrides.device must be one of/],
    [{ type: 'start', request: { ...request, overrides: { learningRate: 1 } } }, /unknown override "learningRate"/],
  ];
  for (const [message, reason] of cases) {
    const parsed = parseHostToWorker(message);
    assert.equal(typeof parsed, 'string', JSON.stringify(message));
    assert.match(parsed as string, reason);
  }
});

test("the host accepts the worker's events, outcome and errors", () => {
  const step = { type: 'step', epoch: 1, step: 3, totalSteps: 12, loss: Number.NaN, learningRate: 1e-3, tokensPerSecond: 900, etaSeconds: 4 };
  assert.deepEqual(parseWorkerToHost({ type: 'event', event: step }), { type: 'event', event: step });
  const epoch = { type: 'epoch', epoch: 1, trainLoss: 2, dev: scores, best: true, secondsPerEpoch: 3, devSeconds: 0.5 };
  assert.deepEqual(parseWorkerToHost({ type: 'event', event: epoch }), { type: 'event', event: epoch });
  const outcome = { cancelled: false, adapterDir: '/tmp/ws/.pasta/adapters/ner', bestEpoch: 1, best: scores, device: 'cpu', task: 'token' };
  assert.deepEqual(parseWorkerToHost({ type: 'done', outcome }), { type: 'done', outcome });
  assert.deepEqual(parseWorkerToHost({ type: 'error', kind: 'input', message: 'x: bad' }), { type: 'error', kind: 'input', message: 'x: bad' });
});

test('the host rejects forged or malformed worker messages', () => {
  const cases: [unknown, RegExp][] = [
    [{ type: 'event', event: { type: 'step', epoch: 1 } }, /malformed step event/],
    [{ type: 'event', event: { type: 'toString' } }, /unknown event type/],
    [
      { type: 'event', event: { type: 'epoch', epoch: 1, trainLoss: 2, dev: { f1: 'high' }, best: true, secondsPerEpoch: 1, devSeconds: 0.2 } },
      /malformed epoch/,
    ],
    [{ type: 'done', outcome: { cancelled: false, bestEpoch: 1, task: 'vision' } }, /malformed outcome/],
    [{ type: 'done', outcome: { cancelled: false, bestEpoch: 1, task: 'token', adapterDir: 42 } }, /adapterDir/],
    [{ type: 'error', kind: 'fatal', message: 'x' }, /unknown kind/],
    [{ type: 'error', kind: 'input' }, /needs a message/],
    [{ type: 'exec', command: 'rm -rf /' }, /unknown message type/],
  ];
  for (const [message, reason] of cases) {
    const parsed = parseWorkerToHost(message);
    assert.equal(typeof parsed, 'string', JSON.stringify(message));
    assert.match(parsed as string, reason);
  }
});
