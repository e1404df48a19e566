// Parsing a message of a protocol: every message is an object with a "type", and each type has a schema
// (valibot) that gives both the message's TypeScript type and its validator.
import * as v from 'valibot';

/** One direction of a protocol: the schema of each message type, keyed by that type. */
export type MessageSchemas = Record<string, v.GenericSchema>;

/** The union of the messages a direction carries. */
export type MessageOf<S extends MessageSchemas> = v.InferOutput<S[keyof S]>;

/** A parsed message, or its problem: in the schema's own words, or else where it is (`path`). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; type?: string; problem: string; path?: string };

const typed = v.looseObject({ type: v.string() });

export const quote = (value: unknown): string => JSON.stringify(value)?.slice(0, 60) ?? String(value);

/** `input` as one of the messages of `schemas` (unknown fields dropped), or its first problem. */
export function parseTyped<S extends MessageSchemas>(schemas: S, input: unknown, noun: string): Parsed<MessageOf<S>> {
  if (!v.is(typed, input)) return { ok: false, problem: `not ${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun} object with a "type"` };
  const { type } = input;
  if (!Object.hasOwn(schemas, type)) return { ok: false, problem: `unknown ${noun} type ${quote(type)}` };
  // Issues from schemas that have no words of their own get the message '' and are described by their path.
  const result = v.safeParse(schemas[type], input, { abortEarly: true, message: '' });
  if (result.success) return { ok: true, value: result.output as MessageOf<S> };
  const issue = result.issues[0];
  const path = v.getDotPath(issue) ?? undefined;
  return { ok: false, type, problem: issue.message || `malformed ${path ?? noun}`, path };
}

/** `input` as one of the messages of `schemas`, or a one-line reason that names the message type. */
export function parseMessage<S extends MessageSchemas>(schemas: S, input: unknown): MessageOf<S> | string {
  const parsed = parseTyped(schemas, input, 'message');
  if (parsed.ok) return parsed.value;
  return parsed.type ? `${parsed.type}: ${parsed.problem}` : parsed.problem;
}

/** An object schema's message: `notObject` when the value is not an object, `missing[key]` when a field is absent. */
export const objectMessage =
  (notObject: string, missing: Readonly<Record<string, string>> = {}) =>
  (issue: v.BaseIssue<unknown>): string =>
    issue.expected === 'Object' ? notObject : (missing[String(issue.path?.[0]?.key)] ?? '');

// Field schemas the protocols share.

/** A character offset into a document. */
export const offset = (message?: string) => v.pipe(v.number(message), v.safeInteger(message), v.minValue(0, message));

/** Any number, NaN included (a diverged loss is drawn as a gap, not refused). */
export const anyNumber = v.custom<number>((input) => typeof input === 'number');

/** A string of at most `max` characters (a path, a name, a message). */
export const text = (max = 100_000, message?: string) => v.pipe(v.string(message), v.maxLength(max, message));
