// The units the model predicts on: the non-blank lines of a text, as training cuts annotated files into
// paragraphs (src/core/project/workspaceData.ts), so that predictions see the same context training saw.

export interface TextUnit {
  start: number;
  end: number;
}

export function lineUnits(text: string): TextUnit[] {
  const out: TextUnit[] = [];
  const re = /[^\r\n]+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].trim() !== '') out.push({ start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** The units that touch any of `ranges` (an insertion at a unit's edge touches it). */
export function unitsTouching(units: readonly TextUnit[], ranges: readonly TextUnit[]): TextUnit[] {
  return units.filter((u) => ranges.some((r) => r.start <= u.end && u.start <= r.end));
}
