// The messages between the predictions webview and the extension. Both sides import this file; each side
// validates what it receives with the parser for its direction and rejects anything else.
import type { LabelInfo } from './annotate.js';

export type { LabelInfo };

/** One predicted span not yet accepted or rejected. */
export interface PredictionItem {
  start: number;
  end: number;
  label: string;
  confidence: number;
  /** The span's words, and a little of the line around them. */
  text: string;
  before: string;
  after: string;
  /** 1-based line of the span's start. */
  line: number;
}

export type PredictionsStatus = 'predicting' | 'ready' | 'restricted' | 'no-adapter' | 'stale' | 'error';

export interface PredictionsViewState {
  file: string;
  uri: string;
  status: PredictionsStatus;
  /** Why the list is empty or old, for every status but ready. */
  message?: string;
  adapter?: string;
  items: PredictionItem[];
  labels: LabelInfo[];
  /** Entities the file's annotations hold now. */
  annotated: number;
  /** Predictions of this file rejected so far. */
  rejected: number;
}

export type HostToWebview =
  | { type: 'state'; state: PredictionsViewState }
  | { type: 'notice'; message: string }
  | { type: 'error'; message: string };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'refresh' }
  | { type: 'accept'; start: number; end: number; label: string }
  | { type: 'reject'; start: number; end: number; label: string }
  | { type: 'acceptAbove'; threshold: number }
  | { type: 'reveal'; start: number; end: number }
  | { type: 'nextUncertain' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isOffset = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isProbability = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;
const isLabelName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 100;
const STATUSES: readonly string[] = ['predicting', 'ready', 'restricted', 'no-adapter', 'stale', 'error'];

/** The message if it is one the webview may send, else a one-line reason. */
export function parseWebviewMessage(msg: unknown): WebviewToHost | string {
  if (!isObject(msg) || typeof msg.type !== 'string') return 'not a message object with a "type"';
  switch (msg.type) {
    case 'ready':
    case 'refresh':
    case 'nextUncertain':
      return { type: msg.type };
    case 'accept':
    case 'reject':
      if (!isOffset(msg.start) || !isOffset(msg.end) || msg.end <= msg.start) return `${msg.type}: needs offsets 0 <= start < end`;
      if (!isLabelName(msg.label)) return `${msg.type}: needs a label name`;
      return { type: msg.type, start: msg.start, end: msg.end, label: msg.label };
    case 'acceptAbove':
      if (!isProbability(msg.threshold)) return 'acceptAbove: needs a threshold between 0 and 1';
      return { type: 'acceptAbove', threshold: msg.threshold };
    case 'reveal':
      if (!isOffset(msg.start) || !isOffset(msg.end) || msg.end < msg.start) return 'reveal: needs offsets 0 <= start <= end';
      return { type: 'reveal', start: msg.start, end: msg.end };
    default:
      return `unknown message type ${JSON.stringify(msg.type).slice(0, 60)}`;
  }
}

function isItem(v: unknown): v is PredictionItem {
  return (
    isObject(v) && isOffset(v.start) && isOffset(v.end) && isLabelName(v.label) && isProbability(v.confidence) &&
    typeof v.text === 'string' && typeof v.before === 'string' && typeof v.after === 'string' && isOffset(v.line)
  );
}

function isLabel(v: unknown): v is LabelInfo {
  return isObject(v) && typeof v.name === 'string' && typeof v.color === 'string' && typeof v.key === 'string';
}

export function isViewState(v: unknown): v is PredictionsViewState {
  if (!isObject(v)) return false;
  if (typeof v.file !== 'string' || typeof v.uri !== 'string' || typeof v.status !== 'string' || !STATUSES.includes(v.status)) return false;
  if (v.message !== undefined && typeof v.message !== 'string') return false;
  if (v.adapter !== undefined && typeof v.adapter !== 'string') return false;
  if (!isOffset(v.annotated) || !isOffset(v.rejected)) return false;
  return Array.isArray(v.items) && v.items.every(isItem) && Array.isArray(v.labels) && v.labels.every(isLabel);
}

/** The message if it is one the extension may send, else a one-line reason. */
export function parseHostMessage(msg: unknown): HostToWebview | string {
  if (!isObject(msg) || typeof msg.type !== 'string') return 'not a message object with a "type"';
  if (msg.type === 'state') return isViewState(msg.state) ? { type: 'state', state: msg.state } : 'state: malformed view state';
  if (msg.type === 'notice' || msg.type === 'error') return typeof msg.message === 'string' ? { type: msg.type, message: msg.message } : `${msg.type}: needs a message`;
  return `unknown message type ${JSON.stringify(msg.type).slice(0, 60)}`;
}
