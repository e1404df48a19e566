// Pre-annotating many files: one after another, each written as a suggestions file once its answer is complete, so
// a run that stops (cancelled, endpoint down) resumes where it stopped: files whose suggestions match their text are
// skipped. A file whose answer cannot be used is reported and the run goes on; an endpoint that fails stops it.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AnnotationStore, toRelativePath } from '../data/annotationStore.js';
import type { LabelDefinition } from '../project/labels.js';
import { PreannotateError, type ChatModel } from './chatModel.js';
import { preannotateText, type PreannotateOptions } from './preannotateText.js';
import { isFreshFor, readSuggestions, suggestionsFileOf, writeSuggestions } from './suggestionsFile.js';
import { addUsage, NO_USAGE, type Usage } from './usage.js';

export type FileOutcome =
  | { file: string; status: 'suggested'; suggestions: number; problems: string[]; usage: Usage }
  | { file: string; status: 'skipped'; reason: string }
  /** `endpoint`: no answer came (the run stops); else the answer could not be used (the run goes on). */
  | { file: string; status: 'failed'; reason: string; endpoint?: boolean };

export interface PreannotateRun {
  outcomes: FileOutcome[];
  usage: Usage;
  /** Why the run stopped before its last file (the endpoint failed); undefined when it went through. */
  stopped?: string;
}

export interface PreannotateFilesOptions extends PreannotateOptions {
  /** Called before each file and after it, for progress. */
  onFile?: (event: { index: number; total: number; file: string; outcome?: FileOutcome }) => void;
}

/** Text files a person annotates: what "the next N unannotated files" chooses from. */
const TEXT_FILE = /\.(txt|md|markdown|rst|text)$/i;
const EXCLUDED_DIRS = new Set(['node_modules', '.git', '.pasta']);

/** Workspace-relative text files without current annotations or current suggestions, in path order, at most `limit`. */
export async function nextUnannotatedFiles(workspaceRoot: string, limit: number): Promise<string[]> {
  const store = new AnnotationStore(workspaceRoot);
  const found: string[] = [];
  const walk = async (dir: string): Promise<boolean> => {
    const entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!EXCLUDED_DIRS.has(entry.name) && (await walk(full))) return true;
      } else if (entry.isFile() && TEXT_FILE.test(entry.name)) {
        const file = toRelativePath(workspaceRoot, full);
        const text = await store.readText(file);
        if ((await store.load(file, text)).status === 'fresh') continue;
        const suggestions = await readSuggestions(workspaceRoot, file);
        if (suggestions && isFreshFor(suggestions, text)) continue;
        found.push(file);
        if (found.length >= limit) return true;
      }
    }
    return false;
  };
  await walk(workspaceRoot);
  return found;
}

export async function preannotateFiles(
  workspaceRoot: string,
  files: readonly string[],
  model: ChatModel,
  labels: readonly LabelDefinition[],
  options: PreannotateFilesOptions = {},
): Promise<PreannotateRun> {
  const store = new AnnotationStore(workspaceRoot);
  const outcomes: FileOutcome[] = [];
  let usage: Usage = { ...NO_USAGE };
  for (const [index, given] of files.entries()) {
    const file = toRelativePath(workspaceRoot, given);
    options.onFile?.({ index, total: files.length, file });
    const outcome = await preannotateOne(workspaceRoot, store, file, model, labels, options);
    if (outcome.status === 'suggested') usage = addUsage(usage, outcome.usage);
    outcomes.push(outcome);
    options.onFile?.({ index, total: files.length, file, outcome });
    if (outcome.status === 'failed' && outcome.endpoint) return { outcomes, usage, stopped: outcome.reason };
  }
  return { outcomes, usage };
}

async function preannotateOne(
  workspaceRoot: string,
  store: AnnotationStore,
  file: string,
  model: ChatModel,
  labels: readonly LabelDefinition[],
  options: PreannotateOptions,
): Promise<FileOutcome> {
  let text: string;
  try {
    text = await store.readText(file);
  } catch (error) {
    return { file, status: 'failed', reason: `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  const existing = await readSuggestions(workspaceRoot, file);
  if (existing && isFreshFor(existing, text)) return { file, status: 'skipped', reason: 'already has suggestions for its current text' };
  if ((await store.load(file, text)).status === 'fresh') return { file, status: 'skipped', reason: 'already annotated' };
  try {
    const result = await preannotateText(model, labels, text, options);
    await writeSuggestions(
      workspaceRoot,
      suggestionsFileOf(file, text, result.spans, {
        source: { kind: 'language-model', model: model.description },
        problems: result.problems,
        usage: result.usage,
      }),
    );
    return { file, status: 'suggested', suggestions: result.spans.length, problems: result.problems, usage: result.usage };
  } catch (error) {
    if (!(error instanceof PreannotateError)) throw error;
    return { file, status: 'failed', reason: error.message, ...(error.failed === 'endpoint' ? { endpoint: true } : {}) };
  }
}
