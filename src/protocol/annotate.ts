// The messages between the annotation webview and the extension. Both sides import this file; each side
// validates what it receives with the parser for its direction and rejects anything else.
import * as v from 'valibot';
import { offset, parseMessage, text, type MessageOf } from './parse.js';

const NEEDS_OFFSETS = 'needs offsets 0 <= start <= end';

export const labelInfo = v.object({ name: v.string(), color: v.string(), key: v.string() });
export type LabelInfo = v.InferOutput<typeof labelInfo>;

const span = v.object({ start: offset(), end: offset(), label: v.string() });

/** Everything the webview shows; also what it keeps through setState to redraw at once when restored. */
export const annotateViewState = v.object({
  file: v.string(),
  text: v.string(),
  spans: v.array(span),
  labels: v.array(labelInfo),
  canUndo: v.boolean(),
  canRedo: v.boolean(),
  /** Set when the sidecar no longer matches the file: spans are not shown until re-anchored. */
  stale: v.optional(v.object({ problem: v.string(), reanchorable: offset(), lost: offset() })),
});
export type AnnotateViewState = v.InferOutput<typeof annotateViewState>;

const hostToWebview = {
  state: v.object({ type: v.literal('state'), state: annotateViewState }),
  error: v.object({ type: v.literal('error'), message: v.string('needs a message') }),
};
export type HostToWebview = MessageOf<typeof hostToWebview>;

const startEnd = { start: offset(NEEDS_OFFSETS), end: offset(NEEDS_OFFSETS) };

const webviewToHost = {
  ready: v.object({ type: v.literal('ready') }),
  undo: v.object({ type: v.literal('undo') }),
  redo: v.object({ type: v.literal('redo') }),
  reanchor: v.object({ type: v.literal('reanchor') }),
  label: v.pipe(
    v.object({ type: v.literal('label'), ...startEnd, label: v.pipe(text(100, 'needs a label name'), v.minLength(1, 'needs a label name')) }),
    v.check((m) => m.start <= m.end, NEEDS_OFFSETS),
  ),
  remove: v.pipe(
    v.object({ type: v.literal('remove'), ...startEnd }),
    v.check((m) => m.start <= m.end, NEEDS_OFFSETS),
  ),
};
export type WebviewToHost = MessageOf<typeof webviewToHost>;

/** The message if it is one the webview may send, else a one-line reason. */
export function parseWebviewMessage(msg: unknown): WebviewToHost | string {
  return parseMessage(webviewToHost, msg);
}

export function isViewState(value: unknown): value is AnnotateViewState {
  return v.is(annotateViewState, value);
}

/** The message if it is one the extension may send, else a one-line reason. */
export function parseHostMessage(msg: unknown): HostToWebview | string {
  return parseMessage(hostToWebview, msg);
}
