// Predictions the person rejected, per file, kept in the workspace state: a rejected span stays hidden while
// the file still has the same words with the same label at that place.
import type { Span } from '../../core/data/types.js';
import { isObject } from '../../core/util/isObject.js';

export const REJECTED_PREDICTIONS_KEY = 'pasta.rejectedPredictions';
/** Enough for any review session; the oldest are forgotten first. */
const MAX_PER_FILE = 2000;

export interface RejectedSpan extends Span {
  /** The words that were rejected, so a rejection lapses once the text there changes. */
  text: string;
}

/** The part of vscode.Memento this needs. */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

type Stored = Record<string, RejectedSpan[]>;

export class Rejections {
  constructor(private readonly state: StateStore) {}

  private all(): Stored {
    const value = this.state.get<unknown>(REJECTED_PREDICTIONS_KEY);
    return isObject(value) ? (value as Stored) : {};
  }

  of(file: string): RejectedSpan[] {
    const list = this.all()[file];
    return Array.isArray(list) ? list.filter(isRejectedSpan) : [];
  }

  async add(file: string, text: string, spans: readonly Span[]): Promise<void> {
    const all = this.all();
    const kept = this.of(file).filter((r) => stillApplies(r, text));
    for (const s of spans) {
      if (!kept.some((r) => sameSpan(r, s))) kept.push({ start: s.start, end: s.end, label: s.label, text: text.slice(s.start, s.end) });
    }
    await this.state.update(REJECTED_PREDICTIONS_KEY, { ...all, [file]: kept.slice(-MAX_PER_FILE) });
  }

  async clear(file: string): Promise<void> {
    const { [file]: _, ...rest } = this.all();
    await this.state.update(REJECTED_PREDICTIONS_KEY, rest);
  }
}

/** The spans of `predicted` that are not rejected for a file whose text is `text`. */
export function withoutRejected<S extends Span>(predicted: readonly S[], rejected: readonly RejectedSpan[], text: string): S[] {
  const live = rejected.filter((r) => stillApplies(r, text));
  return predicted.filter((p) => !live.some((r) => sameSpan(r, p)));
}

function stillApplies(r: RejectedSpan, text: string): boolean {
  return text.slice(r.start, r.end) === r.text;
}

function sameSpan(a: Span, b: Span): boolean {
  return a.start === b.start && a.end === b.end && a.label === b.label;
}

function isRejectedSpan(v: unknown): v is RejectedSpan {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return Number.isSafeInteger(r.start) && Number.isSafeInteger(r.end) && typeof r.label === 'string' && typeof r.text === 'string';
}
