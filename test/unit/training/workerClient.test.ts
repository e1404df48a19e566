// The training worker as the extension runs it: a real child process, the real trainer and model, real files.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { startTrainingWorker, type WorkerOptions } from '../../../src/extension/training/workerClient.js';
import type { WorkerEvent } from '../../../src/protocol/trainingWorker.js';
import { defaultModelMissing, skipIfMissing } from '../../helpers/requirements.js';

const REPO = resolve(__dirname, '..', '..', '..');
const WORKER = join(REPO, 'src', 'extension', 'trainingWorker.ts');
const TSX = ['--import', 'tsx'];
const noModel = skipIfMissing(defaultModelMissing());

function sampleWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pasta-worker-'));
  cpSync(join(REPO, 'samples', 'workspace'), dir, { recursive: true });
  return dir;
}

function worker(root: string, extra: Partial<WorkerOptions> = {}, events: WorkerEvent[] = []) {
  return startTrainingWorker({
    workerPath: WORKER,
    execArgv: TSX,
    request: { workspaceRoot: root, adapterName: 'ner', overrides: { epochs: 1, threads: 1 }, resume: false },
    onEvent: (e) => events.push(e),
    ...extra,
  });
}

test('the worker rejects a malformed message and keeps waiting for a valid one', async () => {
  const child = fork(WORKER, [], { execArgv: TSX, serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const replies: unknown[] = [];
  const reply = new Promise<void>((r) => child.on('message', (m) => (replies.push(m), r())));
  child.send({ type: 'start', request: { workspaceRoot: '/tmp', adapterName: 'ner', overrides: { epochs: -1 }, resume: false } });
  await reply;
  assert.deepEqual(replies, [{ type: 'error', kind: 'protocol', message: 'rejected a message: start: overrides.epochs must be an integer from 1 to 10000' }]);
  assert.equal(child.exitCode, null, 'a rejected message does not end the worker');
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.send({ type: 'cancel' });
  assert.equal(await exited, 0, 'cancel before start exits cleanly');
});

test('bad input ends the run with a one-line error naming the file and line', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pasta-worker-bad-'));
  try {
    mkdirSync(join(root, '.pasta'));
    writeFileSync(join(root, '.pasta', 'project.json'), '{\n  "hyperparameters": { "epochs": "many" }\n}\n');
    const result = await worker(root).result;
    assert.equal(result.kind, 'error');
    assert.ok(result.kind === 'error');
    assert.equal(result.errorKind, 'input');
    assert.match(result.message, /project\.json:2: .*epochs/);
    assert.doesNotMatch(result.message, /\n/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a killed worker is reported as a crash with its signal, and leaves no adapter', { skip: noModel, timeout: 120_000 }, async () => {
  const root = sampleWorkspace();
  try {
    // Killed at its first training step, in a run far too long to finish first: no adapter may appear.
    const w: ReturnType<typeof worker> = worker(root, {
      request: { workspaceRoot: root, adapterName: 'ner', overrides: { epochs: 10_000, threads: 1 }, resume: false },
      onEvent: (e) => {
        if (e.type === 'step') w?.kill();
      },
    });
    const result = await w.result;
    assert.deepEqual(result.kind, 'crashed');
    assert.ok(result.kind === 'crashed');
    assert.match(result.reason, /the training worker was killed by SIGKILL before it finished/);
    assert.ok(!existsSync(join(root, '.pasta', 'adapters', 'ner')), 'no partial adapter');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a worker that dies of an uncaught error is reported with that error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pasta-worker-crash-'));
  try {
    const script = join(dir, 'crashingWorker.js');
    writeFileSync(script, "process.on('message', () => { throw new RangeError('Array buffer allocation failed'); });\n");
    const result = await startTrainingWorker({
      workerPath: script,
      request: { workspaceRoot: dir, adapterName: 'ner', overrides: {}, resume: false },
      onEvent: () => undefined,
    }).result;
    assert.deepEqual(result, {
      kind: 'crashed',
      reason: 'the training worker exited with code 1 before it finished: RangeError: Array buffer allocation failed',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('training in the worker writes the adapter and streams typed events', { skip: noModel, timeout: 120_000 }, async () => {
  const root = sampleWorkspace();
  try {
    const events: WorkerEvent[] = [];
    const result = await worker(root, {}, events).result;
    assert.equal(result.kind, 'done', JSON.stringify(result));
    assert.ok(result.kind === 'done');
    assert.equal(result.outcome.cancelled, false);
    assert.equal(result.outcome.task, 'token');
    assert.equal(result.outcome.device, 'cpu');
    assert.equal(result.outcome.adapterDir, join(root, '.pasta', 'adapters', 'ner'));
    assert.ok(existsSync(join(root, '.pasta', 'adapters', 'ner', 'adapter_config.json')));
    const types = new Set(events.map((e) => e.type));
    for (const t of ['info', 'start', 'step', 'epoch', 'done']) assert.ok(types.has(t as WorkerEvent['type']), `no ${t} event`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('cancel stops after the current step, keeps the last epoch checkpoint and writes no adapter', { skip: noModel, timeout: 120_000 }, async () => {
  const root = sampleWorkspace();
  try {
    const events: WorkerEvent[] = [];
    const w: ReturnType<typeof worker> = worker(root, {
      request: { workspaceRoot: root, adapterName: 'ner', overrides: { epochs: 50, threads: 1 }, resume: false },
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'checkpoint') w?.cancel();
      },
    });
    const result = await w.result;
    assert.equal(result.kind, 'done', JSON.stringify(result));
    assert.ok(result.kind === 'done');
    assert.equal(result.outcome.cancelled, true);
    const cancelled = events.find((e) => e.type === 'cancelled');
    assert.ok(cancelled && cancelled.type === 'cancelled');
    assert.equal(cancelled.checkpoint, join(root, '.pasta', 'checkpoints', 'ner', 'checkpoint.safetensors'));
    assert.ok(existsSync(cancelled.checkpoint));
    assert.ok(!existsSync(join(root, '.pasta', 'adapters', 'ner')));

    // The same adapter, data and settings again with resume: it continues after the checkpoint's epoch.
    const resumedEvents: WorkerEvent[] = [];
    const again: ReturnType<typeof worker> = worker(root, {
      request: { workspaceRoot: root, adapterName: 'ner', overrides: { epochs: 50, threads: 1 }, resume: true },
      onEvent: (e) => {
        resumedEvents.push(e);
        if (e.type === 'start') again?.cancel();
      },
    });
    const second = await again.result;
    assert.ok(second.kind === 'done' && second.outcome.cancelled);
    const start = resumedEvents.find((e) => e.type === 'start');
    assert.ok(start && start.type === 'start');
    assert.equal(start.resumedFromEpoch, cancelled.epoch - 1);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
