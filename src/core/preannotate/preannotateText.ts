// One text through a language model: cut into parts at paragraph boundaries, each part's answer validated and its
// entities located exactly, then the parts' spans joined, de-duplicated and overlap-resolved (overlaps.ts).
// An answer that cannot be used fails the whole text with its reason, so nothing half-done is ever written.
import type { Span } from '../data/types.js';
import type { LabelDefinition } from '../project/labels.js';
import { parseAnswer } from './answer.js';
import { PreannotateError, type ChatModel } from './chatModel.js';
import { splitIntoChunks } from './chunks.js';
import { locateEntities, type LocatedSpan } from './locate.js';
import { resolveOverlaps } from './overlaps.js';
import { preannotationMessages } from './prompt.js';
import { addUsage, NO_USAGE, type Usage } from './usage.js';

/** About 1,500 tokens of English: long enough for context, short enough for small local models. */
export const DEFAULT_CHUNK_CHARS = 6000;

export interface PreannotatedText {
  spans: Span[];
  /** Entities the model named that could not be placed, and spans left out for overlaps; one line each. */
  problems: string[];
  usage: Usage;
}

export interface PreannotateOptions {
  signal?: AbortSignal;
  maxChunkChars?: number;
}

export async function preannotateText(
  model: ChatModel,
  labels: readonly LabelDefinition[],
  text: string,
  options: PreannotateOptions = {},
): Promise<PreannotatedText> {
  const labelNames = new Set(labels.map((l) => l.name));
  const chunks = splitIntoChunks(text, options.maxChunkChars ?? DEFAULT_CHUNK_CHARS);
  const located: LocatedSpan[] = [];
  const problems: string[] = [];
  let usage: Usage = { ...NO_USAGE };
  let order = 0;
  for (const [i, chunk] of chunks.entries()) {
    if (chunk.text.trim() === '') continue;
    options.signal?.throwIfAborted();
    const answer = await model.complete(preannotationMessages(labels, chunk.text), options.signal);
    usage = addUsage(usage, answer.usage);
    const parsed = parseAnswer(answer.content);
    const where = chunks.length > 1 ? ` (part ${i + 1} of ${chunks.length})` : '';
    if (!parsed.ok) throw new PreannotateError(`${parsed.reason}${where}`, 'answer');
    const found = locateEntities(chunk.text, parsed.entities, labelNames);
    for (const span of found.spans)
      located.push({ start: span.start + chunk.start, end: span.end + chunk.start, label: span.label, order: order + span.order });
    order += parsed.entities.length;
    problems.push(...[...parsed.problems, ...found.problems].map((p) => `${p}${where}`));
  }
  const resolved = resolveOverlaps(text, located);
  return { spans: resolved.spans, problems: [...problems, ...resolved.dropped], usage };
}
