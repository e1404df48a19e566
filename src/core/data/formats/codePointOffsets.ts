// Python counts string offsets in code points, JavaScript in UTF-16 code units: they differ after every
// character outside the Basic Multilingual Plane (most emoji). Prodigy and doccano write Python offsets.

export interface OffsetConverter {
  /** Number of code points in the text. */
  codePointLength: number;
  /** UTF-16 offset of a code point offset, or undefined when out of range. */
  toUtf16(codePointOffset: number): number | undefined;
  /** Code point offset of a UTF-16 offset, or undefined when out of range or inside a surrogate pair. */
  toCodePoint(utf16Offset: number): number | undefined;
}

export function offsetConverter(text: string): OffsetConverter {
  const utf16OfCodePoint: number[] = [];
  let unit = 0;
  for (const char of text) {
    utf16OfCodePoint.push(unit);
    unit += char.length;
  }
  utf16OfCodePoint.push(unit);
  // Texts without astral characters need no table: both offsets are equal.
  const identity = utf16OfCodePoint.length === text.length + 1;
  const codePointOfUtf16 = identity ? null : new Map(utf16OfCodePoint.map((u, c) => [u, c]));
  const inRange = (n: number, max: number) => Number.isInteger(n) && n >= 0 && n <= max;
  return {
    codePointLength: utf16OfCodePoint.length - 1,
    toUtf16: (c) => (inRange(c, utf16OfCodePoint.length - 1) ? utf16OfCodePoint[c] : undefined),
    toCodePoint: (u) => (!inRange(u, text.length) ? undefined : codePointOfUtf16 ? codePointOfUtf16.get(u) : u),
  };
}
