// The host side of the training worker: forks it, sends the request, validates what comes back, and turns
// every way a run can end (done, a reported error, a crash, a kill) into one result. No vscode here.
import { type ChildProcess, fork } from 'node:child_process';
import {
  type HostToWorker,
  parseWorkerToHost,
  type TrainingOutcome,
  type TrainingRequest,
  type WorkerErrorKind,
  type WorkerEvent,
} from '../../protocol/trainingWorker.js';

export type WorkerResult =
  { kind: 'done'; outcome: TrainingOutcome } | { kind: 'error'; errorKind: WorkerErrorKind; message: string } | { kind: 'crashed'; reason: string };

export interface WorkerOptions {
  /** dist/trainingWorker.js (or the TypeScript source with execArgv ['--import', 'tsx'] in tests). */
  workerPath: string;
  request: TrainingRequest;
  onEvent(event: WorkerEvent): void;
  /** A message from the worker that failed validation, or a message of ours the worker rejected. */
  onRejected?(reason: string): void;
  execArgv?: string[];
  /** How long a cancelled worker may take to stop at its next step before it is killed. */
  cancelGraceMs?: number;
}

export interface TrainingWorker {
  readonly pid: number | undefined;
  /** Settles once the process has exited; never rejects. */
  readonly result: Promise<WorkerResult>;
  cancel(): void;
  /** Stops the worker at once (extension shutdown). */
  kill(): void;
}

const STDERR_TAIL = 4000;

export function startTrainingWorker(options: WorkerOptions): TrainingWorker {
  const child: ChildProcess = fork(options.workerPath, [], {
    execArgv: options.execArgv ?? [],
    // Structured clone keeps NaN and Infinity (a diverging loss) intact, which JSON would turn into null.
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL)));
  child.stdout?.resume();

  let reported: WorkerResult | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const result = new Promise<WorkerResult>((resolve) => {
    child.on('message', (raw: unknown) => {
      const message = parseWorkerToHost(raw);
      if (typeof message === 'string') return options.onRejected?.(`the training worker sent a message that was rejected: ${message}`);
      if (message.type === 'event') return options.onEvent(message.event);
      if (message.type === 'error' && message.kind === 'protocol') return options.onRejected?.(message.message);
      reported ??= message.type === 'done' ? { kind: 'done', outcome: message.outcome } : { kind: 'error', errorKind: message.kind, message: message.message };
    });
    child.once('error', (error) => {
      clearTimeout(killTimer);
      resolve(reported ?? { kind: 'crashed', reason: `the training worker could not run: ${error.message}` });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(killTimer);
      resolve(reported ?? { kind: 'crashed', reason: crashReason(code, signal, stderr) });
    });
  });

  const send = (message: HostToWorker) => {
    if (child.connected) child.send(message);
  };
  send({ type: 'start', request: options.request });
  return {
    pid: child.pid,
    result,
    cancel() {
      send({ type: 'cancel' });
      killTimer ??= setTimeout(() => child.kill('SIGKILL'), options.cancelGraceMs ?? 20_000);
    },
    kill() {
      child.kill('SIGKILL');
    },
  };
}

function crashReason(code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  // Node ends an uncaught error's report with its version line: the error itself is the last line naming one.
  const lines = stderr
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^Node\.js v\d/.test(l));
  const lastLine = lines.findLast((l) => /error/i.test(l)) ?? lines.at(-1);
  return `the training worker ${how} before it finished${lastLine ? `: ${lastLine.slice(0, 300)}` : ''}`;
}
