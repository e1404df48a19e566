// A language model's answer: JSON {"entities": [{"text", "label", "occurrence"?, "context"?, "start"?, "end"?}]} (or
// the bare list), checked with valibot. What cannot be read as such is one line saying why; a malformed item is
// reported and the others kept.
import * as v from 'valibot';

const index = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

const entitySchema = v.object({
  text: v.pipe(v.string(), v.minLength(1)),
  label: v.pipe(v.string(), v.minLength(1)),
  /** 1-based: the n-th place the text occurs as whole words. */
  occurrence: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(1))),
  /** A stretch of the text around the entity, occurring once in it. */
  context: v.optional(v.pipe(v.string(), v.minLength(1))),
  start: v.optional(index),
  end: v.optional(index),
});

export type AnswerEntity = v.InferOutput<typeof entitySchema>;

export type ParsedAnswer = { ok: true; entities: AnswerEntity[]; problems: string[] } | { ok: false; reason: string };

const excerpt = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);

/** The JSON inside a Markdown code fence, or the text itself. */
function unfenced(content: string): string {
  const fenced = /^```[a-zA-Z]*\s*\n([\s\S]*?)\n?```$/.exec(content);
  return fenced ? fenced[1].trim() : content;
}

export function parseAnswer(content: string): ParsedAnswer {
  const trimmed = unfenced(content.trim());
  if (trimmed === '') return { ok: false, reason: 'the model answered nothing' };
  if (!/^[[{]/.test(trimmed)) return { ok: false, reason: `the model answered prose, not JSON: ${excerpt(trimmed)}` };
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch (error) {
    return { ok: false, reason: `the model's answer is not valid JSON (${(error as Error).message}): ${excerpt(trimmed)}` };
  }
  const list = Array.isArray(json) ? json : (json as { entities?: unknown } | null)?.entities;
  if (!Array.isArray(list)) return { ok: false, reason: `the model's answer has no "entities" list: ${excerpt(trimmed)}` };
  const entities: AnswerEntity[] = [];
  const problems: string[] = [];
  list.forEach((item, i) => {
    const result = v.safeParse(entitySchema, item);
    if (result.success) entities.push(result.output);
    else {
      const issue = result.issues[0];
      const field = issue.path?.map((p) => String(p.key)).join('.');
      problems.push(`entities[${i}]${field ? `.${field}` : ''}: ${issue.message} (${excerpt(JSON.stringify(item) ?? String(item))})`);
    }
  });
  return { ok: true, entities, problems };
}
