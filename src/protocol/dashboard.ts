// The messages between the training dashboard webview and the extension, and the run it shows. Both sides
// import this file; each validates what it receives with the parser for its direction.

export type RunStatus = 'running' | 'done' | 'cancelled' | 'failed';

export interface LabelScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface EpochRow {
  epoch: number;
  trainLoss: number;
  f1: number;
  precision: number;
  recall: number;
  accuracy?: number;
  perLabel: Record<string, LabelScores>;
  best: boolean;
  seconds: number;
}

export interface LossPoint {
  step: number;
  loss: number;
}

/** One training run as the dashboard draws it; also what the webview keeps with setState. */
export interface RunView {
  adapterName: string;
  task?: 'token' | 'sequence';
  status: RunStatus;
  /** Why it failed, or how it ended. */
  message?: string;
  /** ISO 8601. */
  startedAt: string;
  finishedAt?: string;
  device?: string;
  fallbackReason?: string;
  /** With device auto: why no GPU was used. */
  autoReason?: string;
  trainExamples?: number;
  devExamples?: number;
  totalSteps?: number;
  trainableParameters?: number;
  resumedFromEpoch?: number;
  /** Loss per step, thinned to at most MAX_LOSS_POINTS. */
  losses: LossPoint[];
  epochs: EpochRow[];
  bestEpoch?: number;
  latest?: { epoch: number; step: number; tokensPerSecond: number; etaSeconds: number; learningRate: number };
  adapterDir?: string;
  checkpoint?: string;
}

export const MAX_LOSS_POINTS = 2000;

export type HostToWebview = { type: 'run'; run: RunView | null };

export type WebviewToHost = { type: 'ready' } | { type: 'cancel' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
// Losses and scores may be NaN (a diverged run) or null after JSON (setState): both are drawn as gaps.
const isNumberish = (v: unknown) => typeof v === 'number' || v === null;
const isOptional = (v: unknown, check: (x: unknown) => boolean) => v === undefined || check(v);
const isText = (v: unknown) => typeof v === 'string' && v.length <= 100_000;
const STATUSES: readonly RunStatus[] = ['running', 'done', 'cancelled', 'failed'];

function isScores(v: unknown): boolean {
  return isObject(v) && isNumberish(v.precision) && isNumberish(v.recall) && isNumberish(v.f1) && isNumberish(v.support);
}

function isEpochRow(v: unknown): v is EpochRow {
  return (
    isObject(v) &&
    [v.epoch, v.trainLoss, v.f1, v.precision, v.recall, v.seconds].every(isNumberish) &&
    isOptional(v.accuracy, isNumberish) &&
    typeof v.best === 'boolean' &&
    isObject(v.perLabel) &&
    Object.values(v.perLabel).every(isScores)
  );
}

export function isRunView(v: unknown): v is RunView {
  if (!isObject(v)) return false;
  if (!isText(v.adapterName) || !STATUSES.includes(v.status as RunStatus) || !isText(v.startedAt)) return false;
  if (!isOptional(v.task, (t) => t === 'token' || t === 'sequence')) return false;
  for (const key of ['message', 'finishedAt', 'device', 'fallbackReason', 'autoReason', 'adapterDir', 'checkpoint']) if (!isOptional(v[key], isText)) return false;
  for (const key of ['trainExamples', 'devExamples', 'totalSteps', 'trainableParameters', 'resumedFromEpoch', 'bestEpoch']) {
    if (!isOptional(v[key], isNumberish)) return false;
  }
  if (!Array.isArray(v.losses) || v.losses.length > MAX_LOSS_POINTS * 2) return false;
  if (!v.losses.every((p) => isObject(p) && isNumberish(p.step) && isNumberish(p.loss))) return false;
  if (!Array.isArray(v.epochs) || v.epochs.length > 100_000 || !v.epochs.every(isEpochRow)) return false;
  const latest = v.latest;
  if (latest !== undefined && !(isObject(latest) && [latest.epoch, latest.step, latest.tokensPerSecond, latest.etaSeconds, latest.learningRate].every(isNumberish))) {
    return false;
  }
  return true;
}

/** The message if it is one the extension may send, else a one-line reason. */
export function parseHostMessage(msg: unknown): HostToWebview | string {
  if (!isObject(msg) || typeof msg.type !== 'string') return 'not a message object with a "type"';
  if (msg.type !== 'run') return `unknown message type ${JSON.stringify(msg.type).slice(0, 60)}`;
  if (msg.run !== null && !isRunView(msg.run)) return 'run: malformed run';
  return { type: 'run', run: msg.run as RunView | null };
}

/** The message if it is one the webview may send, else a one-line reason. */
export function parseWebviewMessage(msg: unknown): WebviewToHost | string {
  if (!isObject(msg) || typeof msg.type !== 'string') return 'not a message object with a "type"';
  if (msg.type === 'ready' || msg.type === 'cancel') return { type: msg.type };
  return `unknown message type ${JSON.stringify(msg.type).slice(0, 60)}`;
}

/** The row of the best epoch so far (a resumed run lacks the rows of the epochs before it). */
export function bestRow(run: RunView): EpochRow | undefined {
  return run.epochs.find((e) => e.epoch === run.bestEpoch) ?? run.epochs.find((e) => e.best);
}
