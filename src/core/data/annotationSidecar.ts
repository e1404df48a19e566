// The sidecar file of one annotated file: its JSON shape, written one span per line so that diffs read well,
// and read back with one-line errors naming the sidecar (and the line, for invalid JSON).
import { isObject } from '../util/isObject.js';
import { InputError, type Span } from './types.js';

export const SIDECAR_VERSION = 1;

/** A span as stored: `text` repeats the covered text so diffs read well and drift can be re-anchored. */
export interface StoredSpan extends Span {
  text: string;
}

export interface AnnotationSidecar {
  version: number;
  /** The annotated file, workspace-relative with forward slashes. */
  file: string;
  textSha256: string;
  spans: StoredSpan[];
  labels?: string[];
}

/** One span per line, so that a diff shows exactly the spans that changed. */
export function formatSidecar(sidecar: AnnotationSidecar): string {
  const spans = sidecar.spans.map((s) => `    {"start": ${s.start}, "end": ${s.end}, "label": ${JSON.stringify(s.label)}, "text": ${JSON.stringify(s.text)}}`);
  const lines = [
    '{',
    `  "version": ${sidecar.version},`,
    `  "file": ${JSON.stringify(sidecar.file)},`,
    `  "textSha256": ${JSON.stringify(sidecar.textSha256)},`,
  ];
  if (sidecar.labels) lines.push(`  "labels": ${JSON.stringify(sidecar.labels)},`);
  lines.push(spans.length === 0 ? '  "spans": []' : `  "spans": [\n${spans.join(',\n')}\n  ]`, '}', '');
  return lines.join('\n');
}

export function parseSidecar(file: string, raw: string): AnnotationSidecar {
  const value = parseJson(file, raw);
  const fail = (problem: string): never => {
    throw new InputError(file, undefined, problem);
  };
  if (!isObject(value)) fail('expected a JSON object');
  const obj = value as Record<string, unknown>;
  if (obj.version !== SIDECAR_VERSION) fail(`unsupported sidecar version ${JSON.stringify(obj.version)} (expected ${SIDECAR_VERSION})`);
  if (typeof obj.file !== 'string') fail('"file" must be a string');
  if (typeof obj.textSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(obj.textSha256)) fail('"textSha256" must be 64 lowercase hex digits');
  if (!Array.isArray(obj.spans)) fail('"spans" must be an array');
  const spans = (obj.spans as unknown[]).map((s, i): StoredSpan => {
    if (!isObject(s)) return fail(`spans[${i}] must be an object`);
    const { start, end, label, text } = s as Record<string, unknown>;
    if (!Number.isInteger(start) || !Number.isInteger(end) || (start as number) < 0 || (end as number) <= (start as number)) {
      return fail(`spans[${i}] needs integer offsets with 0 <= start < end, got ${JSON.stringify(start)}-${JSON.stringify(end)}`);
    }
    if (typeof label !== 'string' || label.length === 0) return fail(`spans[${i}] needs a non-empty "label"`);
    if (text !== undefined && typeof text !== 'string') return fail(`spans[${i}]: "text" must be a string`);
    return { start: start as number, end: end as number, label, text: (text as string | undefined) ?? '' };
  });
  let labels: string[] | undefined;
  if (obj.labels !== undefined) {
    if (!Array.isArray(obj.labels) || !obj.labels.every((l) => typeof l === 'string')) fail('"labels" must be an array of strings');
    labels = obj.labels as string[];
  }
  return { version: SIDECAR_VERSION, file: obj.file as string, textSha256: obj.textSha256 as string, spans, ...(labels ? { labels } : {}) };
}

/** JSON.parse with its error position turned into a 1-based line number. */
function parseJson(file: string, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (err) {
    const message = (err as Error).message;
    const at = /at position (\d+)/.exec(message);
    const lineCol = /\(line (\d+) column \d+\)/.exec(message);
    let line: number;
    if (lineCol) line = Number(lineCol[1]);
    else if (at) line = lineOfOffset(raw, Number(at[1]));
    else line = raw.split('\n').length;
    const problem = message
      .replace(/\s*\(line \d+ column \d+\)/, '')
      .replace(/\s*in JSON at position \d+/, '')
      .replace(/,? ".*" is not valid JSON$/, '');
    throw new InputError(file, line, `invalid JSON: ${problem}`);
  }
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
