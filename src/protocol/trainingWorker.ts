// The messages between the extension host and the training worker (a child process running
// dist/trainingWorker.js). Both sides import this file and validate what they receive with the parser for
// their direction; anything else is rejected with a one-line reason.
import * as v from 'valibot';
import { DEVICE_REQUESTS } from '../core/engine/deviceNames.js';
import { PRECISIONS } from '../core/graph/kernels.js';
import { devScores, trainingEventSchemas } from '../core/training/trainingEvents.js';
import { anyNumber, objectMessage, parseMessage, parseTyped, quote, text, type MessageOf } from './parse.js';

const count = (key: string, min: number, max: number) => {
  const message = `overrides.${key} must be an integer from ${min} to ${max}`;
  return v.optional(v.pipe(v.number(message), v.safeInteger(message), v.minValue(min, message), v.maxValue(max, message)));
};

/** The hyperparameters the extension may override (settings); the project file holds the rest. */
const trainingOverrides = v.strictObject(
  {
    epochs: count('epochs', 1, 10_000),
    batchSize: count('batchSize', 1, 4096),
    threads: count('threads', 0, 1024),
    device: v.optional(v.picklist(DEVICE_REQUESTS, `overrides.device must be one of ${DEVICE_REQUESTS.join(', ')}`)),
    precision: v.optional(v.picklist(PRECISIONS, `overrides.precision must be one of ${PRECISIONS.join(', ')}`)),
  },
  (issue) => (issue.expected === 'never' ? `unknown override ${issue.received}` : 'overrides must be an object'),
);
export type TrainingOverrides = v.InferOutput<typeof trainingOverrides>;

const trainingRequest = v.object(
  {
    workspaceRoot: v.pipe(text(4096, 'request.workspaceRoot must be a path'), v.minLength(1, 'request.workspaceRoot must be a path')),
    adapterName: text(200, 'request.adapterName must be a string'),
    overrides: trainingOverrides,
    resume: v.boolean('request.resume must be true or false'),
  },
  objectMessage('needs a request object'),
);
export type TrainingRequest = v.InferOutput<typeof trainingRequest>;

const hostToWorker = {
  start: v.object({ type: v.literal('start'), request: trainingRequest }, objectMessage('', { request: 'needs a request object' })),
  cancel: v.object({ type: v.literal('cancel') }),
};
export type HostToWorker = MessageOf<typeof hostToWorker>;

const workerEventSchemas = { ...trainingEventSchemas, info: v.object({ type: v.literal('info'), message: text() }) };
export type WorkerEvent = MessageOf<typeof workerEventSchemas>;

/** An event as its own schema reads it, with "malformed <type> event" for any problem the schema has no words for. */
const workerEvent = v.pipe(
  v.unknown(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const parsed = parseTyped(workerEventSchemas, dataset.value, 'event');
    if (parsed.ok) return parsed.value;
    addIssue({ message: parsed.type ? `malformed ${parsed.type} event${parsed.path ? ` (${parsed.path})` : ''}` : parsed.problem });
    return NEVER;
  }),
);

const trainingOutcome = v.object({
  cancelled: v.boolean(),
  adapterDir: v.optional(text(4096, 'adapterDir must be a path')),
  bestEpoch: anyNumber,
  best: v.optional(devScores),
  /** The device the engine actually used. */
  device: v.optional(text(100, 'device must be a string')),
  task: v.picklist(['token', 'sequence']),
});
export type TrainingOutcome = v.InferOutput<typeof trainingOutcome>;

/** Why the worker stopped with an error: bad input (files, names), the training itself, or our own fault. */
const WORKER_ERROR_KINDS = ['input', 'training', 'protocol', 'internal'] as const;
export type WorkerErrorKind = (typeof WORKER_ERROR_KINDS)[number];

const workerToHost = {
  event: v.object({ type: v.literal('event'), event: workerEvent }),
  done: v.object({ type: v.literal('done'), outcome: trainingOutcome }),
  error: v.object(
    {
      type: v.literal('error'),
      kind: v.picklist(WORKER_ERROR_KINDS, (issue) => `unknown kind ${quote(issue.input)}`),
      message: text(100_000, 'needs a message'),
    },
    objectMessage('', { message: 'needs a message' }),
  ),
};
export type WorkerToHost = MessageOf<typeof workerToHost>;

/** The message if it is one the host may send to the worker, else a one-line reason. */
export function parseHostToWorker(msg: unknown): HostToWorker | string {
  return parseMessage(hostToWorker, msg);
}

/** The message if it is one the worker may send to the host, else a one-line reason. */
export function parseWorkerToHost(msg: unknown): WorkerToHost | string {
  return parseMessage(workerToHost, msg);
}
