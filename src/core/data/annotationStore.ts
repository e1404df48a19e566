// Annotations of plain-text workspace files, kept in diffable sidecar JSON files under
// `.pasta/annotations/<same relative path>.json`. Offsets are UTF-16 code units into the file's text
// (a leading BOM removed, as VS Code does). A sidecar records the SHA-256 of the text it was made for:
// when the file has changed since, its spans are never applied silently.

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { nulByteProblem } from '../util/readTextFile.js';
import { InputError, type NerDocument, type Span } from './types.js';
import { formatSidecar, parseSidecar, SIDECAR_VERSION, type AnnotationSidecar, type StoredSpan } from './annotationSidecar.js';

export const ANNOTATIONS_DIR = path.join('.pasta', 'annotations');
/** Sidecars are small; anything larger is a mistake we refuse to read whole. */
const MAX_SIDECAR_BYTES = 32 * 1024 * 1024;
const MAX_TEXT_BYTES = 64 * 1024 * 1024;

export type AnnotationState =
  | { status: 'none' }
  | { status: 'fresh'; spans: Span[]; sidecar: AnnotationSidecar }
  | { status: 'stale'; problem: string; sidecar: AnnotationSidecar; reanchor: ReanchorResult };

export interface ReanchorResult {
  /** Spans whose text was found exactly once near their old place, moved there. */
  spans: Span[];
  /** Spans that could not be placed unambiguously. */
  lost: StoredSpan[];
}

export interface WorkspaceAnnotations {
  documents: NerDocument[];
  /** Stale or broken sidecars, one line each naming the file; their documents are left out. */
  problems: InputError[];
}

export const STALE_PROBLEM = 'stale: the file changed since it was annotated';

export function sha256Text(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Workspace-relative path with forward slashes; refuses paths that leave the workspace. */
export function toRelativePath(workspaceRoot: string, file: string): string {
  const rel = path.relative(workspaceRoot, path.resolve(workspaceRoot, file));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new InputError(file, undefined, `not inside the workspace ${workspaceRoot}`);
  }
  return rel.split(path.sep).join('/');
}

export function sidecarPathFor(workspaceRoot: string, relativeFile: string): string {
  return path.join(workspaceRoot, ANNOTATIONS_DIR, ...relativeFile.split('/')) + '.json';
}

export class AnnotationStore {
  constructor(readonly workspaceRoot: string) {}

  sidecarPath(file: string): string {
    return sidecarPathFor(this.workspaceRoot, toRelativePath(this.workspaceRoot, file));
  }

  /** The text of a workspace file as offsets count it. */
  async readText(file: string): Promise<string> {
    const abs = path.resolve(this.workspaceRoot, file);
    return readTextFile(abs, MAX_TEXT_BYTES);
  }

  /** The annotation state of `file` against `text` (the file's current text). */
  async load(file: string, text: string): Promise<AnnotationState> {
    const sidecar = await this.readSidecar(file);
    if (!sidecar) return { status: 'none' };
    const sidecarFile = this.sidecarPath(file);
    if (sidecar.textSha256 !== sha256Text(text)) {
      return { status: 'stale', problem: STALE_PROBLEM, sidecar, reanchor: reanchorSpans(sidecar.spans, text) };
    }
    checkSpansAgainstText(sidecarFile, sidecar.spans, text);
    for (const s of sidecar.spans) {
      if (s.text !== '' && text.slice(s.start, s.end) !== s.text) {
        throw new InputError(
          sidecarFile,
          undefined,
          `span ${s.start}-${s.end} says ${JSON.stringify(s.text)} but the file has ${JSON.stringify(text.slice(s.start, s.end))} there`,
        );
      }
    }
    return { status: 'fresh', spans: sidecar.spans.map(toSpan), sidecar };
  }

  /** Reads and validates the sidecar of `file`; undefined when there is none. Never modifies it. */
  async readSidecar(file: string): Promise<AnnotationSidecar | undefined> {
    const sidecarFile = this.sidecarPath(file);
    let raw: string;
    try {
      raw = await readTextFile(sidecarFile, MAX_SIDECAR_BYTES);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    return parseSidecar(sidecarFile, raw);
  }

  /** Saves `spans` for `file` whose current text is `text`; no spans removes the sidecar. */
  async save(file: string, text: string, spans: readonly Span[], labels?: readonly string[]): Promise<AnnotationSidecar | undefined> {
    const rel = toRelativePath(this.workspaceRoot, file);
    const sidecarFile = sidecarPathFor(this.workspaceRoot, rel);
    const sorted = sortSpans(spans);
    checkSpansAgainstText(sidecarFile, sorted, text);
    if (sorted.length === 0) {
      await fs.rm(sidecarFile, { force: true });
      return undefined;
    }
    const sidecar: AnnotationSidecar = {
      version: SIDECAR_VERSION,
      file: rel,
      textSha256: sha256Text(text),
      spans: sorted.map((s) => ({ start: s.start, end: s.end, label: s.label, text: text.slice(s.start, s.end) })),
      ...(labels && labels.length > 0 ? { labels: [...labels] } : {}),
    };
    await writeFileAtomic(sidecarFile, formatSidecar(sidecar));
    return sidecar;
  }

  /** Every annotated file whose sidecar matches its text, as documents; the rest reported, not applied. */
  async loadAll(): Promise<WorkspaceAnnotations> {
    const documents: NerDocument[] = [];
    const problems: InputError[] = [];
    const root = path.join(this.workspaceRoot, ANNOTATIONS_DIR);
    for (const sidecarFile of await listJsonFiles(root)) {
      const rel = path.relative(root, sidecarFile).slice(0, -'.json'.length).split(path.sep).join('/');
      try {
        const text = await this.readText(rel).catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') throw new InputError(sidecarFile, undefined, `the annotated file ${rel} does not exist`);
          throw err;
        });
        const state = await this.load(rel, text);
        if (state.status === 'fresh') documents.push({ id: rel, text, spans: state.spans });
        else if (state.status === 'stale') problems.push(new InputError(rel, undefined, state.problem));
      } catch (err) {
        if (err instanceof InputError) problems.push(err);
        else problems.push(new InputError(sidecarFile, undefined, (err as Error).message));
      }
    }
    documents.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { documents, problems };
  }

  /** Workspace-relative paths of every file with a sidecar. */
  async annotatedFiles(): Promise<string[]> {
    const root = path.join(this.workspaceRoot, ANNOTATIONS_DIR);
    return (await listJsonFiles(root)).map((f) => path.relative(root, f).slice(0, -'.json'.length).split(path.sep).join('/'));
  }
}

export function sortSpans(spans: readonly Span[]): Span[] {
  return spans.map(toSpan).sort((a, b) => a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

function toSpan(s: Span): Span {
  return { start: s.start, end: s.end, label: s.label };
}

/** Spans must be non-empty, inside the text and must not overlap (IOB tagging cannot express overlaps). */
function checkSpansAgainstText(file: string, spans: readonly Span[], text: string): void {
  let previousEnd = 0;
  let previous: Span | undefined;
  for (const s of sortSpans(spans)) {
    if (s.end > text.length) {
      throw new InputError(file, undefined, `span ${s.start}-${s.end} (${s.label}) ends past the end of the text (${text.length} characters)`);
    }
    if (previous && s.start < previousEnd) {
      throw new InputError(file, undefined, `span ${s.start}-${s.end} (${s.label}) overlaps span ${previous.start}-${previous.end} (${previous.label})`);
    }
    previous = s;
    previousEnd = s.end;
  }
}

/**
 * Moves each span to where its text occurs exactly once within a window around its old place.
 * The window grows with the span's distance from the start, as insertions before it push it along.
 */
export function reanchorSpans(spans: readonly StoredSpan[], text: string): ReanchorResult {
  const placed: Span[] = [];
  const lost: StoredSpan[] = [];
  const slack = Math.max(200, Math.abs(text.length - (spans.at(-1)?.end ?? 0)) + 200);
  for (const s of spans) {
    if (s.text.length === 0) {
      lost.push(s);
      continue;
    }
    const from = Math.max(0, s.start - slack);
    const to = Math.min(text.length, s.end + slack);
    const window = text.slice(from, to);
    const first = window.indexOf(s.text);
    const again = first < 0 ? -1 : window.indexOf(s.text, first + 1);
    if (first < 0 || again >= 0) {
      lost.push(s);
      continue;
    }
    const start = from + first;
    const candidate = { start, end: start + s.text.length, label: s.label };
    if (placed.some((p) => candidate.start < p.end && p.start < candidate.end)) lost.push(s);
    else placed.push(candidate);
  }
  return { spans: sortSpans(placed), lost };
}

async function readTextFile(file: string, maxBytes: number): Promise<string> {
  const stat = await fs.stat(file);
  if (!stat.isFile()) throw new InputError(file, undefined, 'not a regular file');
  if (stat.size > maxBytes) throw new InputError(file, undefined, `too large (${stat.size} bytes, at most ${maxBytes})`);
  const bytes = await fs.readFile(file);
  const notText = nulByteProblem(bytes);
  if (notText) throw new InputError(file, notText.line, notText.problem);
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

async function listJsonFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listJsonFiles(full)));
    else if (e.isFile() && e.name.endsWith('.json') && !e.name.startsWith('.')) out.push(full);
  }
  return out;
}
