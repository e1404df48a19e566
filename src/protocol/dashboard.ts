// The messages between the training dashboard webview and the extension, and the run it shows. Both sides
// import this file; each validates what it receives with the parser for its direction.
import * as v from 'valibot';
import { parseMessage, text, type MessageOf } from './parse.js';

// Losses and scores may be NaN (a diverged run) or null after JSON (setState): both are drawn as gaps.
const numberish = v.custom<number>((input) => typeof input === 'number' || input === null);

const RUN_STATUSES = ['running', 'done', 'cancelled', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

const labelScores = v.object({ precision: numberish, recall: numberish, f1: numberish, support: numberish });
export type LabelScores = v.InferOutput<typeof labelScores>;

const epochRow = v.object({
  epoch: numberish,
  trainLoss: numberish,
  f1: numberish,
  precision: numberish,
  recall: numberish,
  accuracy: v.optional(numberish),
  perLabel: v.record(v.string(), labelScores),
  best: v.boolean(),
  seconds: numberish,
});
export type EpochRow = v.InferOutput<typeof epochRow>;

const lossPoint = v.object({ step: numberish, loss: numberish });
export type LossPoint = v.InferOutput<typeof lossPoint>;

export const MAX_LOSS_POINTS = 2000;

/** One training run as the dashboard draws it; also what the webview keeps with setState. */
export const runView = v.object({
  adapterName: text(),
  task: v.optional(v.picklist(['token', 'sequence'])),
  status: v.picklist(RUN_STATUSES),
  /** Why it failed, or how it ended. */
  message: v.optional(text()),
  /** ISO 8601. */
  startedAt: text(),
  finishedAt: v.optional(text()),
  device: v.optional(text()),
  fallbackReason: v.optional(text()),
  /** With device auto: why no GPU was used. */
  autoReason: v.optional(text()),
  precision: v.optional(text()),
  /** Why the precision asked for was not used. */
  precisionReason: v.optional(text()),
  trainExamples: v.optional(numberish),
  devExamples: v.optional(numberish),
  totalSteps: v.optional(numberish),
  trainableParameters: v.optional(numberish),
  resumedFromEpoch: v.optional(numberish),
  /** The dropout setting the run trains with (none, pasta, all). */
  dropout: v.optional(text()),
  /** Loss per step, thinned to at most MAX_LOSS_POINTS. */
  losses: v.pipe(v.array(lossPoint), v.maxLength(MAX_LOSS_POINTS * 2)),
  epochs: v.pipe(v.array(epochRow), v.maxLength(100_000)),
  bestEpoch: v.optional(numberish),
  latest: v.optional(v.object({ epoch: numberish, step: numberish, tokensPerSecond: numberish, etaSeconds: numberish, learningRate: numberish })),
  adapterDir: v.optional(text()),
  checkpoint: v.optional(text()),
});
export type RunView = v.InferOutput<typeof runView>;

const hostToWebview = { run: v.object({ type: v.literal('run'), run: v.nullable(runView) }) };
export type HostToWebview = MessageOf<typeof hostToWebview>;

const webviewToHost = { ready: v.object({ type: v.literal('ready') }), cancel: v.object({ type: v.literal('cancel') }) };
export type WebviewToHost = MessageOf<typeof webviewToHost>;

export function isRunView(value: unknown): value is RunView {
  return v.is(runView, value);
}

/** The message if it is one the extension may send, else a one-line reason. */
export function parseHostMessage(msg: unknown): HostToWebview | string {
  return parseMessage(hostToWebview, msg);
}

/** The message if it is one the webview may send, else a one-line reason. */
export function parseWebviewMessage(msg: unknown): WebviewToHost | string {
  return parseMessage(webviewToHost, msg);
}

/** The row of the best epoch so far (a resumed run lacks the rows of the epochs before it). */
export function bestRow(run: RunView): EpochRow | undefined {
  return run.epochs.find((e) => e.epoch === run.bestEpoch) ?? run.epochs.find((e) => e.best);
}
