// The messages between the predictions webview and the extension. Both sides import this file; each side
// validates what it receives with the parser for its direction and rejects anything else.
import * as v from 'valibot';
import { labelInfo } from './annotate.js';
import { offset, parseMessage, text, type MessageOf } from './parse.js';

const probability = (message?: string) => v.pipe(v.number(message), v.minValue(0, message), v.maxValue(1, message));
const labelName = (message?: string) => v.pipe(text(100, message), v.minLength(1, message));

/** One predicted span not yet accepted or rejected. */
const predictionItem = v.object({
  start: offset(),
  end: offset(),
  label: labelName(),
  confidence: probability(),
  /** The span's words, and a little of the line around them. */
  text: v.string(),
  before: v.string(),
  after: v.string(),
  /** 1-based line of the span's start. */
  line: offset(),
  /** Absent for the adapter's predictions. */
  source: v.optional(v.literal('language-model')),
});
export type PredictionItem = v.InferOutput<typeof predictionItem>;

const PREDICTIONS_STATUSES = ['predicting', 'ready', 'restricted', 'no-adapter', 'stale', 'error'] as const;
export type PredictionsStatus = (typeof PREDICTIONS_STATUSES)[number];

export const predictionsViewState = v.object({
  file: v.string(),
  uri: v.string(),
  status: v.picklist(PREDICTIONS_STATUSES),
  /** Why the list is empty or old, for every status but ready. */
  message: v.optional(v.string()),
  adapter: v.optional(v.string()),
  /** Who made the file's language-model suggestions and what they cost, when it has some. */
  suggestedBy: v.optional(v.string()),
  items: v.array(predictionItem),
  labels: v.array(labelInfo),
  /** Entities the file's annotations hold now. */
  annotated: offset(),
  /** Predictions of this file rejected so far. */
  rejected: offset(),
});
export type PredictionsViewState = v.InferOutput<typeof predictionsViewState>;

const hostToWebview = {
  state: v.object({ type: v.literal('state'), state: predictionsViewState }),
  notice: v.object({ type: v.literal('notice'), message: v.string('needs a message') }),
  error: v.object({ type: v.literal('error'), message: v.string('needs a message') }),
};
export type HostToWebview = MessageOf<typeof hostToWebview>;

const SPAN = 'needs offsets 0 <= start < end';
const RANGE = 'needs offsets 0 <= start <= end';
const verdict = <T extends 'accept' | 'reject'>(type: T) =>
  v.pipe(
    v.object({ type: v.literal(type), start: offset(SPAN), end: offset(SPAN), label: labelName('needs a label name') }),
    v.check((m) => m.start < m.end, SPAN),
  );

const webviewToHost = {
  ready: v.object({ type: v.literal('ready') }),
  refresh: v.object({ type: v.literal('refresh') }),
  nextUncertain: v.object({ type: v.literal('nextUncertain') }),
  accept: verdict('accept'),
  reject: verdict('reject'),
  acceptAbove: v.object({ type: v.literal('acceptAbove'), threshold: probability('needs a threshold between 0 and 1') }),
  reveal: v.pipe(
    v.object({ type: v.literal('reveal'), start: offset(RANGE), end: offset(RANGE) }),
    v.check((m) => m.start <= m.end, RANGE),
  ),
};
export type WebviewToHost = MessageOf<typeof webviewToHost>;

/** The message if it is one the webview may send, else a one-line reason. */
export function parseWebviewMessage(msg: unknown): WebviewToHost | string {
  return parseMessage(webviewToHost, msg);
}

export function isViewState(value: unknown): value is PredictionsViewState {
  return v.is(predictionsViewState, value);
}

/** The message if it is one the extension may send, else a one-line reason. */
export function parseHostMessage(msg: unknown): HostToWebview | string {
  return parseMessage(hostToWebview, msg);
}
