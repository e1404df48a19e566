// The order in which the editor predicts a file's outstanding lines: the lines on screen first, in one pass, so
// that what the person looks at is highlighted soon after a file opens; then the rest in small passes, the lines
// nearest the screen first. Each pass is separate, so that an edit or a scroll between two passes decides what
// comes next (a 2,000-word file takes seconds to predict whole on a loaded laptop CPU).
import { unitsTouching, type TextUnit } from './textUnits';

/** Lines per background pass: about half a second of all-MiniLM-L6-v2 (fp32, 2 vCPUs) at ~11 words a line. */
export const BACKGROUND_PASS_UNITS = 16;

function distance(unit: TextUnit, visible: readonly TextUnit[]): number {
  if (visible.length === 0) return unit.start;
  return Math.min(...visible.map((v) => (unit.end < v.start ? v.start - unit.end : unit.start > v.end ? unit.start - v.end : 0)));
}

/**
 * The units to predict in the next pass: all outstanding units on screen (touching a visible range) if there are
 * any, else the `passSize` outstanding units nearest the screen. In document order.
 */
export function nextPass(outstanding: readonly TextUnit[], visible: readonly TextUnit[], passSize = BACKGROUND_PASS_UNITS): TextUnit[] {
  const onScreen = unitsTouching(outstanding, visible);
  if (onScreen.length > 0) return onScreen;
  const nearest = outstanding
    .map((unit, i) => ({ unit, i, d: distance(unit, visible) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, passSize);
  return nearest.sort((a, b) => a.i - b.i).map((n) => n.unit);
}

/** The outstanding units a pass did not predict. */
export function withoutPredicted(outstanding: readonly TextUnit[], predicted: readonly TextUnit[]): TextUnit[] {
  return outstanding.filter((u) => !predicted.some((p) => p.start === u.start && p.end === u.end));
}
