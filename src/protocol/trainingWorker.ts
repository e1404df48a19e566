// The messages between the extension host and the training worker (a child process running
// dist/trainingWorker.js). Both sides import this file and validate what they receive with the parser for
// their direction; anything else is rejected with a one-line reason.
import type { TrainingEvent } from '../core/training/trainer.js';
import type { DevScores } from '../core/pasta/tasks.js';

import { DEVICE_REQUESTS as DEVICES, type DeviceRequest as DeviceName } from '../core/engine/deviceNames.js';

export { DEVICES, type DeviceName };

/** The hyperparameters the extension may override (settings); the project file holds the rest. */
export interface TrainingOverrides {
  epochs?: number;
  batchSize?: number;
  threads?: number;
  device?: DeviceName;
}

export interface TrainingRequest {
  workspaceRoot: string;
  adapterName: string;
  overrides: TrainingOverrides;
  resume: boolean;
}

export type WorkerEvent = TrainingEvent | { type: 'info'; message: string };

export interface TrainingOutcome {
  cancelled: boolean;
  adapterDir?: string;
  bestEpoch: number;
  best?: DevScores;
  /** The device the engine actually used. */
  device?: string;
  task: 'token' | 'sequence';
}

/** Why the worker stopped with an error: bad input (files, names), the training itself, or our own fault. */
export type WorkerErrorKind = 'input' | 'training' | 'protocol' | 'internal';

export type HostToWorker = { type: 'start'; request: TrainingRequest } | { type: 'cancel' };

export type WorkerToHost =
  | { type: 'event'; event: WorkerEvent }
  | { type: 'done'; outcome: TrainingOutcome }
  | { type: 'error'; kind: WorkerErrorKind; message: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown, max: number): v is number => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= max;
const isNumber = (v: unknown): v is number => typeof v === 'number';
const isText = (v: unknown, max = 100_000): v is string => typeof v === 'string' && v.length <= max;
const typeName = (v: unknown) => JSON.stringify(v)?.slice(0, 60) ?? String(v);

const OVERRIDE_LIMITS: Record<Exclude<keyof TrainingOverrides, 'device'>, number> = { epochs: 10_000, batchSize: 4096, threads: 1024 };

function parseOverrides(v: unknown): TrainingOverrides | string {
  if (!isObject(v)) return 'start: overrides must be an object';
  const out: TrainingOverrides = {};
  for (const [key, value] of Object.entries(v)) {
    if (key === 'device') {
      if (!(DEVICES as readonly unknown[]).includes(value)) return `start: overrides.device must be one of ${DEVICES.join(', ')}`;
      out.device = value as DeviceName;
    } else if (key in OVERRIDE_LIMITS) {
      const max = OVERRIDE_LIMITS[key as keyof typeof OVERRIDE_LIMITS];
      const min = key === 'threads' ? 0 : 1;
      if (!isCount(value, max) || value < min) return `start: overrides.${key} must be an integer from ${min} to ${max}`;
      out[key as keyof typeof OVERRIDE_LIMITS] = value;
    } else {
      return `start: unknown override ${typeName(key)}`;
    }
  }
  return out;
}

/** The message if it is one the host may send to the worker, else a one-line reason. */
export function parseHostToWorker(msg: unknown): HostToWorker | string {
  if (!isObject(msg) || typeof msg.type !== 'string') return 'not a message object with a "type"';
  if (msg.type === 'cancel') return { type: 'cancel' };
  if (msg.type !== 'start') return `unknown message type ${typeName(msg.type)}`;
  const r = msg.request;
  if (!isObject(r)) return 'start: needs a request object';
  if (!isText(r.workspaceRoot, 4096) || r.workspaceRoot.length === 0) return 'start: request.workspaceRoot must be a path';
  if (!isText(r.adapterName, 200)) return 'start: request.adapterName must be a string';
  if (typeof r.resume !== 'boolean') return 'start: request.resume must be true or false';
  const overrides = parseOverrides(r.overrides);
  if (typeof overrides === 'string') return overrides;
  return { type: 'start', request: { workspaceRoot: r.workspaceRoot, adapterName: r.adapterName, overrides, resume: r.resume } };
}

function isScores(v: unknown): v is DevScores {
  if (!isObject(v) || !isNumber(v.f1) || !isNumber(v.precision) || !isNumber(v.recall) || !isObject(v.perLabel)) return false;
  if (v.accuracy !== undefined && !isNumber(v.accuracy)) return false;
  return Object.values(v.perLabel).every(
    (s) => isObject(s) && isNumber(s.precision) && isNumber(s.recall) && isNumber(s.f1) && isNumber(s.support),
  );
}

/** Field checks per event type: the numbers the dashboard draws must be numbers. */
const EVENT_FIELDS: Record<WorkerEvent['type'], (e: Record<string, unknown>) => boolean> = {
  info: (e) => isText(e.message),
  start: (e) => isText(e.device, 100) && isNumber(e.totalSteps) && isNumber(e.trainExamples) && isNumber(e.devExamples) && isNumber(e.trainableParameters),
  step: (e) => [e.epoch, e.step, e.totalSteps, e.loss, e.learningRate, e.tokensPerSecond, e.etaSeconds].every(isNumber),
  epoch: (e) => isNumber(e.epoch) && isNumber(e.trainLoss) && isScores(e.dev) && typeof e.best === 'boolean' && isNumber(e.secondsPerEpoch) && isNumber(e.devSeconds),
  checkpoint: (e) => isNumber(e.epoch) && isText(e.path, 4096),
  'early-stop': (e) => isNumber(e.epoch) && isNumber(e.bestEpoch),
  cancelled: (e) => isNumber(e.epoch) && isNumber(e.step) && (e.checkpoint === undefined || isText(e.checkpoint, 4096)),
  done: (e) => isNumber(e.bestEpoch) && isScores(e.best),
};

function parseEvent(v: unknown): WorkerEvent | string {
  if (!isObject(v) || typeof v.type !== 'string') return 'event: needs an event object with a "type"';
  const check = Object.hasOwn(EVENT_FIELDS, v.type) ? EVENT_FIELDS[v.type as WorkerEvent['type']] : undefined;
  if (!check) return `event: unknown event type ${typeName(v.type)}`;
  return check(v) ? (v as unknown as WorkerEvent) : `event: malformed ${v.type} event`;
}

const ERROR_KINDS: readonly WorkerErrorKind[] = ['input', 'training', 'protocol', 'internal'];

/** The message if it is one the worker may send to the host, else a one-line reason. */
export function parseWorkerToHost(msg: unknown): WorkerToHost | string {
  if (!isObject(msg) || typeof msg.type !== 'string') return 'not a message object with a "type"';
  switch (msg.type) {
    case 'event': {
      const event = parseEvent(msg.event);
      return typeof event === 'string' ? event : { type: 'event', event };
    }
    case 'done': {
      const o = msg.outcome;
      if (!isObject(o) || typeof o.cancelled !== 'boolean' || !isNumber(o.bestEpoch) || (o.task !== 'token' && o.task !== 'sequence')) {
        return 'done: malformed outcome';
      }
      if (o.adapterDir !== undefined && !isText(o.adapterDir, 4096)) return 'done: adapterDir must be a path';
      if (o.best !== undefined && !isScores(o.best)) return 'done: malformed best scores';
      if (o.device !== undefined && !isText(o.device, 100)) return 'done: device must be a string';
      return { type: 'done', outcome: o as unknown as TrainingOutcome };
    }
    case 'error':
      if (!ERROR_KINDS.includes(msg.kind as WorkerErrorKind)) return `error: unknown kind ${typeName(msg.kind)}`;
      if (!isText(msg.message)) return 'error: needs a message';
      return { type: 'error', kind: msg.kind as WorkerErrorKind, message: msg.message };
    default:
      return `unknown message type ${typeName(msg.type)}`;
  }
}
