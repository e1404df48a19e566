// The training worker: a child process (child_process.fork of dist/trainingWorker.js) that trains one adapter
// off the extension host's thread. It waits for one "start", streams the trainer's events, answers "cancel"
// by aborting (the last epoch checkpoint stays), and exits when training ends or the host goes away.
import { InputError } from '../core/data/types.js';
import { TrainingError } from '../core/training/trainer.js';
import { trainWorkspaceAdapter } from '../core/training/workspaceTraining.js';
import { parseHostToWorker, type TrainingRequest, type WorkerErrorKind, type WorkerToHost } from '../protocol/trainingWorker.js';

/** After the host disconnects, the trainer stops at its next step; this bounds the wait for a step to end. */
const ORPHAN_EXIT_MS = 30_000;

const controller = new AbortController();
let started = false;

function send(message: WorkerToHost): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send!(message, undefined, {}, () => resolve());
  });
}

function errorKind(error: unknown): WorkerErrorKind {
  if (error instanceof InputError) return 'input';
  if (error instanceof TrainingError) return 'training';
  return 'internal';
}

async function train(request: TrainingRequest): Promise<number> {
  try {
    const result = await trainWorkspaceAdapter({
      workspaceRoot: request.workspaceRoot,
      adapterName: request.adapterName,
      overrides: request.overrides,
      resume: request.resume,
      signal: controller.signal,
      onEvent: (event) => void send({ type: 'event', event }),
    });
    await send({
      type: 'done',
      outcome: {
        cancelled: result.cancelled,
        adapterDir: result.adapterDir,
        bestEpoch: result.bestEpoch,
        best: result.best,
        device: result.device,
        task: result.project.task,
      },
    });
    return 0;
  } catch (error) {
    const kind = errorKind(error);
    if (kind === 'internal') process.stderr.write(`${(error as Error).stack ?? error}\n`);
    await send({ type: 'error', kind, message: (error as Error).message ?? String(error) });
    return 1;
  }
}

function onMessage(raw: unknown): void {
  const message = parseHostToWorker(raw);
  if (typeof message === 'string') {
    void send({ type: 'error', kind: 'protocol', message: `rejected a message: ${message}` });
    return;
  }
  if (message.type === 'cancel') {
    controller.abort();
    if (!started) process.exit(0);
    return;
  }
  if (started) {
    void send({ type: 'error', kind: 'protocol', message: 'rejected a message: start: this worker is already training' });
    return;
  }
  started = true;
  void train(message.request).then((code) => process.exit(code));
}

if (!process.send) {
  process.stderr.write('trainingWorker: must be started by the PASTA extension (child_process.fork with an IPC channel)\n');
  process.exit(2);
}
process.on('message', onMessage);
process.on('disconnect', () => {
  controller.abort();
  if (!started) process.exit(0);
  setTimeout(() => process.exit(1), ORPHAN_EXIT_MS).unref();
});
