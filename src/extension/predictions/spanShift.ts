// Keeps predicted spans on their words while the text is edited: spans before an edit stay, spans after it move
// by the edit's length change, spans the edit touches are dropped (their lines are predicted again).
import type { TextUnit } from '../../core/prediction/textUnits.js';

/** One replacement, as VS Code reports it: offsets into the text before the edit. */
export interface TextEdit {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

export interface ShiftResult<S extends TextUnit> {
  spans: S[];
  /** Where the new text now lies (offsets after every edit): the region to predict again. */
  changed: TextUnit[];
}

/**
 * Applies `edits` (all against the same old text, not overlapping, as one change event holds them) to the spans.
 * They are applied from the last to the first, so that each one's offsets are still valid when it is applied.
 */
export function shiftSpans<S extends TextUnit>(spans: readonly S[], edits: readonly TextEdit[]): ShiftResult<S> {
  let current = [...spans];
  let changed: TextUnit[] = [];
  for (const edit of [...edits].sort((a, b) => b.rangeOffset - a.rangeOffset)) {
    const from = edit.rangeOffset;
    const to = edit.rangeOffset + edit.rangeLength;
    const delta = edit.text.length - edit.rangeLength;
    const move = (u: TextUnit): TextUnit => ({ start: u.start + delta, end: u.end + delta });
    current = current.flatMap((s) => {
      if (s.end <= from) return [s];
      if (s.start >= to) return [{ ...s, ...move(s) }];
      return [];
    });
    changed = changed.map((r) => (r.start >= to ? move(r) : r));
    changed.push({ start: from, end: from + edit.text.length });
  }
  return { spans: current, changed };
}
