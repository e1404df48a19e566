// Token tags <-> token spans for the IOB2, IOB1 and BIOES schemes.
// Strict reading accepts only sequences that some set of spans encodes canonically, so that
// spans -> tags gives the input back; lenient reading repairs the way conlleval does (I- after O opens).

export type TagScheme = 'IOB2' | 'IOB1' | 'BIOES';

export const TAG_SCHEMES: readonly TagScheme[] = ['IOB2', 'IOB1', 'BIOES'];

/** Entity over tokens [start, end). */
export interface TokenSpan {
  start: number;
  end: number;
  label: string;
}

export interface ParsedTag {
  prefix: 'O' | 'B' | 'I' | 'E' | 'S';
  label: string;
}

/** A tag sequence problem at token `index` (0-based); readers turn it into a file and line. */
export class TagSequenceError extends Error {
  constructor(
    readonly index: number,
    readonly problem: string,
  ) {
    super(`token ${index}: ${problem}`);
    this.name = 'TagSequenceError';
  }
}

const PREFIXES: Record<TagScheme, string> = { IOB2: 'BI', IOB1: 'BI', BIOES: 'BIES' };

/** Parses 'O' or '<prefix>-<label>'; null when the tag has neither shape under the scheme. */
export function parseTag(tag: string, scheme: TagScheme): ParsedTag | null {
  if (tag === 'O') return { prefix: 'O', label: '' };
  if (tag.length < 3 || tag[1] !== '-' || !PREFIXES[scheme].includes(tag[0])) return null;
  return { prefix: tag[0] as ParsedTag['prefix'], label: tag.slice(2) };
}

export function tagsToSpans(tags: readonly string[], scheme: TagScheme, options: { strict?: boolean } = {}): TokenSpan[] {
  const strict = options.strict ?? true;
  const parsed = tags.map((tag, i) => {
    const p = parseTag(tag, scheme);
    if (!p) {
      const shape = scheme === 'BIOES' ? 'B-, I-, E- or S-<label>' : 'B- or I-<label>';
      throw new TagSequenceError(i, `tag "${tag}" is neither O nor ${shape} (scheme ${scheme})`);
    }
    return p;
  });
  const spans: TokenSpan[] = [];
  // The entity being read, as an index into spans; -1 when outside.
  let open = -1;
  const openAt = (i: number, label: string) => {
    spans.push({ start: i, end: i + 1, label });
    return spans.length - 1;
  };
  for (let i = 0; i < parsed.length; i++) {
    const { prefix, label } = parsed[i];
    const tag = tags[i];
    const previous = i === 0 ? 'O' : tags[i - 1];
    const continues = open >= 0 && spans[open].label === label;
    if (scheme === 'BIOES' && strict && open >= 0 && prefix !== 'I' && prefix !== 'E') {
      throw new TagSequenceError(
        i,
        `tag "${tag}" follows "${previous}": the entity opened by "${tags[spans[open].start]}" was not closed with E-${spans[open].label}`,
      );
    }
    switch (prefix) {
      case 'O':
        open = -1;
        break;
      case 'B':
        if (scheme === 'IOB1' && strict && !continues) {
          throw new TagSequenceError(i, `tag "${tag}" follows "${previous}": in IOB1, B- only separates two adjacent ${label} entities`);
        }
        open = openAt(i, label);
        break;
      case 'I':
        if (continues) spans[open].end = i + 1;
        else if (strict && scheme !== 'IOB1') throw new TagSequenceError(i, `tag "${tag}" follows "${previous}": I-${label} must continue a ${label} entity`);
        else open = openAt(i, label);
        break;
      case 'E':
        if (continues) spans[open].end = i + 1;
        else if (strict) throw new TagSequenceError(i, `tag "${tag}" follows "${previous}": E-${label} must end a ${label} entity`);
        else openAt(i, label);
        open = -1;
        break;
      case 'S':
        openAt(i, label);
        open = -1;
        break;
    }
  }
  if (scheme === 'BIOES' && strict && open >= 0) {
    const last = tags.length - 1;
    throw new TagSequenceError(
      last,
      `tag "${tags[last]}" ends the sentence: the entity opened by "${tags[spans[open].start]}" was not closed with E-${spans[open].label}`,
    );
  }
  return spans;
}

export function spansToTags(length: number, spans: readonly TokenSpan[], scheme: TagScheme): string[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const tags = new Array<string>(length).fill('O');
  let previous: TokenSpan | null = null;
  for (const span of sorted) {
    if (!Number.isInteger(span.start) || !Number.isInteger(span.end) || span.start < 0 || span.end > length || span.start >= span.end) {
      throw new Error(`span [${span.start}, ${span.end}) ${span.label} is not within the ${length} tokens`);
    }
    if (previous && span.start < previous.end) {
      throw new Error(`span [${span.start}, ${span.end}) ${span.label} overlaps span [${previous.start}, ${previous.end}) ${previous.label}`);
    }
    const { start, end, label } = span;
    for (let i = start; i < end; i++) tags[i] = `I-${label}`;
    if (scheme === 'IOB2') tags[start] = `B-${label}`;
    else if (scheme === 'IOB1') {
      if (previous && previous.end === start && previous.label === label) tags[start] = `B-${label}`;
    } else if (end - start === 1) tags[start] = `S-${label}`;
    else {
      tags[start] = `B-${label}`;
      tags[end - 1] = `E-${label}`;
    }
    previous = span;
  }
  return tags;
}

/** Rewrites a valid tag sequence from one scheme into another. */
export function convertTags(tags: readonly string[], from: TagScheme, to: TagScheme): string[] {
  return spansToTags(tags.length, tagsToSpans(tags, from), to);
}

/** Whether `tag` may follow `previous` ('O' at a sentence start) in the scheme's strict form. */
export function canFollow(previous: string, tag: string, scheme: TagScheme): boolean {
  const p = parseTag(previous, scheme);
  const t = parseTag(tag, scheme);
  if (!p || !t) return false;
  const inside = (p.prefix === 'B' || p.prefix === 'I') && p.label === t.label;
  switch (scheme) {
    case 'IOB2':
      return t.prefix !== 'I' || inside;
    case 'IOB1':
      return t.prefix !== 'B' || inside;
    case 'BIOES':
      if (t.prefix === 'I' || t.prefix === 'E') return inside;
      return p.prefix !== 'B' && p.prefix !== 'I';
  }
}

/** Whether the sentence may end after `tag`. */
export function canEnd(tag: string, scheme: TagScheme): boolean {
  const t = parseTag(tag, scheme);
  return !!t && (scheme !== 'BIOES' || (t.prefix !== 'B' && t.prefix !== 'I'));
}
