// Where in the text each entity a model named is: exact character offsets, never a guess. An entity with offsets
// must have its text there; with an occurrence, it is the n-th place its text occurs as whole words; with a
// context, the place inside the one occurrence of that context; with neither, every place its text occurs as whole
// words. A place that would cut a word is not an occurrence; punctuation at either edge is trimmed, as when a person
// selects a span. Entities that cannot be placed are reported, never invented.
import type { Span } from '../data/types.js';
import { isWordAt, snapToWords } from '../data/wordSnap.js';
import type { AnswerEntity } from './answer.js';

/** A located entity; `order` is its place in the model's list, for the overlap rule. */
export interface LocatedSpan extends Span {
  order: number;
}

export interface Located {
  spans: LocatedSpan[];
  /** One line per entity that could not be placed. */
  problems: string[];
}

const quote = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);

/** Start offsets of `needle` in `text` where it cuts no word, in text order. */
export function wholeWordOccurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
    const end = i + needle.length;
    const cutsStart = isWordAt(text, i - 1) && isWordAt(text, i);
    const cutsEnd = isWordAt(text, end - 1) && isWordAt(text, end);
    if (!cutsStart && !cutsEnd) found.push(i);
  }
  return found;
}

function allOccurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) found.push(i);
  return found;
}

/** The starts `entity` stands for, or a one-line reason it stands for none. */
function startsOf(text: string, entity: AnswerEntity): number[] | string {
  const name = `${quote(entity.text)} (${entity.label})`;
  if (entity.start !== undefined || entity.end !== undefined) {
    const { start, end } = entity;
    if (start === undefined || end === undefined) return `${name} gives only one of "start" and "end"`;
    if (end > text.length) return `${name} at ${start}-${end} is past the end of the text (${text.length} characters)`;
    if (text.slice(start, end) !== entity.text) return `${name} at ${start}-${end}: the text there is ${quote(text.slice(start, end))}`;
    return [start];
  }
  const places = wholeWordOccurrences(text, entity.text);
  if (places.length === 0) {
    return allOccurrences(text, entity.text).length > 0 ? `${name} occurs only inside other words` : `${name} is not in the text`;
  }
  if (entity.context !== undefined) {
    const contexts = allOccurrences(text, entity.context);
    if (contexts.length === 0) return `${name}: its context ${quote(entity.context)} is not in the text`;
    if (contexts.length > 1) return `${name}: its context ${quote(entity.context)} occurs ${contexts.length} times`;
    const from = contexts[0];
    const inside = places.filter((p) => p >= from && p + entity.text.length <= from + entity.context!.length);
    if (inside.length === 0) return `${name} is not inside its context ${quote(entity.context)}`;
    if (inside.length > 1 && entity.occurrence === undefined) return `${name} occurs ${inside.length} times inside its context ${quote(entity.context)}`;
    const n = entity.occurrence ?? 1;
    if (n > inside.length) return `${name}: occurrence ${n} inside its context, which holds it ${inside.length} time${inside.length === 1 ? '' : 's'}`;
    return [inside[n - 1]];
  }
  if (entity.occurrence !== undefined) {
    if (entity.occurrence > places.length)
      return `${name}: occurrence ${entity.occurrence}, but the text holds it ${places.length} time${places.length === 1 ? '' : 's'}`;
    return [places[entity.occurrence - 1]];
  }
  return places;
}

/** The spans of `entities` in `text`, snapped to whole words; labels outside `labels` are reported. */
export function locateEntities(text: string, entities: readonly AnswerEntity[], labels: ReadonlySet<string>): Located {
  const spans: LocatedSpan[] = [];
  const problems: string[] = [];
  entities.forEach((entity, order) => {
    if (!labels.has(entity.label)) {
      problems.push(`${quote(entity.text)} has the label ${quote(entity.label)}, which the project does not have (${[...labels].join(', ')})`);
      return;
    }
    const starts = startsOf(text, entity);
    if (typeof starts === 'string') {
      problems.push(starts);
      return;
    }
    for (const start of starts) {
      const snapped = snapToWords(text, start, start + entity.text.length);
      if (!snapped) problems.push(`${quote(entity.text)} (${entity.label}) holds no word`);
      else spans.push({ ...snapped, label: entity.label, order });
    }
  });
  return { spans, problems };
}
