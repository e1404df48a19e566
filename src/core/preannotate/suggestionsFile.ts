// Suggestions a language model made for a file, kept apart from the annotations until a person accepts them:
// `.pasta/suggestions/<same relative path>.json`, with the SHA-256 of the text they were made for (a file edited
// since is suggested again), where they came from, what could not be placed, and the tokens and cost they took.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as v from 'valibot';
import { sha256Text, sortSpans, toRelativePath } from '../data/annotationStore.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { readTextFile } from '../util/readTextFile.js';
import { InputError, type Span } from '../data/types.js';

export const SUGGESTIONS_VERSION = 1;
export const SUGGESTIONS_DIR = path.join('.pasta', 'suggestions');
const MAX_SUGGESTIONS_BYTES = 32 * 1024 * 1024;

const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const suggestionsSchema = v.object({
  version: v.literal(SUGGESTIONS_VERSION),
  file: v.string(),
  textSha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  /** "language-model": the only source so far; the review panel marks these as the model's. */
  source: v.object({ kind: v.literal('language-model'), model: v.string() }),
  created: v.string(),
  spans: v.array(v.object({ start: count, end: count, label: v.pipe(v.string(), v.minLength(1)), text: v.string() })),
  problems: v.array(v.string()),
  usage: v.object({ promptTokens: count, completionTokens: count, totalTokens: count, cost: v.optional(v.number()), requests: count }),
});

export type SuggestionsFile = v.InferOutput<typeof suggestionsSchema>;

export function suggestionsPathFor(workspaceRoot: string, relativeFile: string): string {
  return path.join(workspaceRoot, SUGGESTIONS_DIR, ...relativeFile.split('/')) + '.json';
}

export function suggestionsFileOf(
  relativeFile: string,
  text: string,
  spans: readonly Span[],
  rest: Pick<SuggestionsFile, 'source' | 'problems' | 'usage'>,
  created = new Date(),
): SuggestionsFile {
  return {
    version: SUGGESTIONS_VERSION,
    file: relativeFile,
    textSha256: sha256Text(text),
    source: rest.source,
    created: created.toISOString(),
    spans: sortSpans(spans).map((s) => ({ ...s, text: text.slice(s.start, s.end) })),
    problems: rest.problems,
    usage: rest.usage,
  };
}

export async function writeSuggestions(workspaceRoot: string, suggestions: SuggestionsFile): Promise<string> {
  const target = suggestionsPathFor(workspaceRoot, toRelativePath(workspaceRoot, suggestions.file));
  await fs.mkdir(path.dirname(target), { recursive: true });
  await writeFileAtomic(target, `${JSON.stringify(suggestions, null, 2)}\n`);
  return target;
}

/** The suggestions of `relativeFile`; undefined when there are none. Malformed files are an InputError naming them. */
export async function readSuggestions(workspaceRoot: string, relativeFile: string): Promise<SuggestionsFile | undefined> {
  const file = suggestionsPathFor(workspaceRoot, relativeFile);
  try {
    await fs.stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const raw = await readTextFile(file, MAX_SUGGESTIONS_BYTES);
  return parseSuggestions(file, raw);
}

export function parseSuggestions(file: string, raw: string): SuggestionsFile {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new InputError(file, undefined, `is not valid JSON (${(error as Error).message})`);
  }
  const result = v.safeParse(suggestionsSchema, json);
  if (!result.success) {
    const issue = result.issues[0];
    const field = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    throw new InputError(file, undefined, `${field || 'the file'}: ${issue.message}`);
  }
  return result.output;
}

/** Suggestions made for `text` as it is now (not for an earlier version of the file). */
export function isFreshFor(suggestions: SuggestionsFile, text: string): boolean {
  return suggestions.textSha256 === sha256Text(text);
}

/** Workspace-relative paths of every file with suggestions. */
export async function suggestedFiles(workspaceRoot: string): Promise<string[]> {
  const root = path.join(workspaceRoot, SUGGESTIONS_DIR);
  let entries: string[];
  try {
    entries = await fs.readdir(root, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((e) => e.endsWith('.json'))
    .map((e) => e.slice(0, -'.json'.length).split(path.sep).join('/'))
    .sort();
}
