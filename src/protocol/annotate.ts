// The messages between the annotation webview and the extension. Both sides import this file; each side
// validates what it receives with the parser for its direction and rejects anything else.
import type { Span } from '../core/data/types.js';

export interface LabelInfo {
  name: string;
  color: string;
  key: string;
}

/** Everything the webview shows; also what it keeps through setState to redraw at once when restored. */
export interface AnnotateViewState {
  file: string;
  text: string;
  spans: Span[];
  labels: LabelInfo[];
  canUndo: boolean;
  canRedo: boolean;
  /** Set when the sidecar no longer matches the file: spans are not shown until re-anchored. */
  stale?: { problem: string; reanchorable: number; lost: number };
}

export type HostToWebview =
  | { type: 'state'; state: AnnotateViewState }
  | { type: 'error'; message: string };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'label'; start: number; end: number; label: string }
  | { type: 'remove'; start: number; end: number }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'reanchor' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isOffset = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** The message if it is one the webview may send, else a one-line reason. */
export function parseWebviewMessage(msg: unknown): WebviewToHost | string {
  if (!isObject(msg) || typeof msg.type !== 'string') return 'not a message object with a "type"';
  switch (msg.type) {
    case 'ready':
    case 'undo':
    case 'redo':
    case 'reanchor':
      return { type: msg.type };
    case 'label':
      if (!isOffset(msg.start) || !isOffset(msg.end) || msg.end < msg.start) return 'label: needs offsets 0 <= start <= end';
      if (typeof msg.label !== 'string' || msg.label.length === 0 || msg.label.length > 100) return 'label: needs a label name';
      return { type: 'label', start: msg.start, end: msg.end, label: msg.label };
    case 'remove':
      if (!isOffset(msg.start) || !isOffset(msg.end) || msg.end < msg.start) return 'remove: needs offsets 0 <= start <= end';
      return { type: 'remove', start: msg.start, end: msg.end };
    default:
      return `unknown message type ${JSON.stringify(msg.type).slice(0, 60)}`;
  }
}

function isSpan(v: unknown): v is Span {
  return isObject(v) && isOffset(v.start) && isOffset(v.end) && typeof v.label === 'string';
}

function isLabel(v: unknown): v is LabelInfo {
  return isObject(v) && typeof v.name === 'string' && typeof v.color === 'string' && typeof v.key === 'string';
}

export function isViewState(v: unknown): v is AnnotateViewState {
  if (!isObject(v)) return false;
  if (typeof v.file !== 'string' || typeof v.text !== 'string' || typeof v.canUndo !== 'boolean' || typeof v.canRedo !== 'boolean') return false;
  if (!Array.isArray(v.spans) || !v.spans.every(isSpan) || !Array.isArray(v.labels) || !v.labels.every(isLabel)) return false;
  if (v.stale !== undefined) {
    const s = v.stale;
    if (!isObject(s) || typeof s.problem !== 'string' || !isOffset(s.reanchorable) || !isOffset(s.lost)) return false;
  }
  return true;
}

/** The message if it is one the extension may send, else a one-line reason. */
export function parseHostMessage(msg: unknown): HostToWebview | string {
  if (!isObject(msg) || typeof msg.type !== 'string') return 'not a message object with a "type"';
  if (msg.type === 'state') return isViewState(msg.state) ? { type: 'state', state: msg.state } : 'state: malformed view state';
  if (msg.type === 'error') return typeof msg.message === 'string' ? { type: 'error', message: msg.message } : 'error: needs a message';
  return `unknown message type ${JSON.stringify(msg.type).slice(0, 60)}`;
}
