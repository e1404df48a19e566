// A project's training data: the sources project.json names (annotated workspace files, JSONL, CoNLL),
// cut into paragraphs, checked, and split into train and dev deterministically.
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { AnnotationStore } from '../data/annotationStore';
import { readConll } from '../data/formats/conll';
import { readNerJsonl } from '../data/formats/jsonl';
import { InputError, type NerDocument } from '../data/types';
import { validateNerDocuments } from '../data/validate';
import { projectFilePath, type DataSource, type Project } from './projectFile';
import { describeLabelCounts, missingLabels } from './projectLabels';
import { SeededRandom } from '../util/random';

export interface WorkspaceData {
  train: NerDocument[];
  dev: NerDocument[];
  /** Problems that did not stop training (stale annotations, ...), for the user to see. */
  warnings: InputError[];
  /** "sha256:<hex>" over the training and dev texts and spans. */
  fingerprint: string;
}

/** Expands a source path: a file, a folder (its files), or a `*` pattern in the last segment. */
export async function expandPath(root: string, pattern: string): Promise<string[]> {
  const full = resolve(root, pattern);
  if (!basename(full).includes('*')) {
    const info = await stat(full).catch(() => undefined);
    if (!info) return [];
    if (!info.isDirectory()) return [full];
    return (await readdir(full)).sort().map((f) => join(full, f));
  }
  const dir = dirname(full);
  const re = new RegExp(
    `^${basename(full)
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => re.test(n))
    .sort()
    .map((n) => join(dir, n));
}

/** Splits a document at line breaks into paragraphs, keeping each span with the paragraph it lies in. */
export function paragraphs(doc: NerDocument): NerDocument[] {
  const out: NerDocument[] = [];
  const re = /[^\r\n]+/g;
  for (let m = re.exec(doc.text); m; m = re.exec(doc.text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[0].trim() === '') continue;
    const spans = doc.spans.filter((s) => s.start >= start && s.end <= end).map((s) => ({ ...s, start: s.start - start, end: s.end - start }));
    const line = doc.text.slice(0, start).split('\n').length;
    out.push({ id: `${doc.id}:${line}`, text: m[0], spans });
  }
  return out;
}

async function readSource(root: string, source: DataSource, warnings: InputError[]): Promise<NerDocument[]> {
  if (source.format === 'annotations') {
    const { documents, problems } = await new AnnotationStore(root).loadAll();
    warnings.push(...problems);
    return documents.flatMap(paragraphs);
  }
  const files = await expandPath(root, source.path);
  const docs: NerDocument[][] = [];
  for (const file of files) {
    if (source.format === 'jsonl') docs.push(await readNerJsonl(file));
    else docs.push(await readConll(file, { scheme: source.scheme }));
  }
  return docs.flat();
}

export function dataFingerprint(docs: NerDocument[]): string {
  const hash = createHash('sha256');
  for (const d of docs) hash.update(JSON.stringify([d.text, d.spans.map((s) => [s.start, s.end, s.label])]));
  return `sha256:${hash.digest('hex')}`;
}

/** A project's data names labels its "labels" lack: `labels` says which, for a caller that can add them. */
export class MissingLabelsError extends InputError {
  constructor(
    file: string,
    readonly labels: ReadonlyMap<string, number>,
  ) {
    const names = [...labels.keys()].map((l) => JSON.stringify(l)).join(', ');
    super(file, undefined, `the data uses labels the project lacks: ${describeLabelCounts(labels)}; append ${names} to "labels"`);
    this.name = 'MissingLabelsError';
  }
}

async function readAllSources(root: string, project: Project, warnings: InputError[]): Promise<NerDocument[]> {
  const all: NerDocument[] = [];
  for (const source of project.dataSources) all.push(...(await readSource(root, source, warnings)));
  return all.filter((d) => d.text.trim() !== '');
}

/** Span counts of the labels a token project's data uses and its "labels" lack. */
export async function findMissingLabels(root: string, project: Project): Promise<Map<string, number>> {
  if (project.task !== 'token') return new Map();
  return missingLabels(project, await readAllSources(root, project, []));
}

export async function loadWorkspaceData(root: string, project: Project): Promise<WorkspaceData> {
  const warnings: InputError[] = [];
  const labels = project.labels.map((l) => l.name);
  const all = await readAllSources(root, project, warnings);
  const missing = missingLabels(project, all);
  if (missing.size > 0) throw new MissingLabelsError(projectFilePath(root), missing);
  const where = join(root, '.pasta');
  const issues = validateNerDocuments(all, { file: where, labels, role: 'train' });
  if (issues.length > 0) throw issues[0];

  let train: NerDocument[];
  let dev: NerDocument[];
  if ('file' in project.dev) {
    const devFile = resolve(root, project.dev.file);
    dev = devFile.endsWith('.jsonl') ? await readNerJsonl(devFile) : await readConll(devFile);
    train = all;
  } else {
    const order = new SeededRandom(project.dev.seed).shuffle(all.map((_, i) => i));
    const devCount = Math.max(1, Math.round(all.length * project.dev.fraction));
    if (all.length < 2) throw new InputError(where, undefined, `only ${all.length} annotated paragraph(s): annotate a few more before training`);
    const devSet = new Set(order.slice(0, devCount));
    dev = all.filter((_, i) => devSet.has(i));
    train = all.filter((_, i) => !devSet.has(i));
  }
  const devIssues = validateNerDocuments(dev, { file: where, labels, role: 'dev' });
  if (devIssues.length > 0) warnings.push(...devIssues);
  return { train, dev, warnings, fingerprint: dataFingerprint([...train, ...dev]) };
}
