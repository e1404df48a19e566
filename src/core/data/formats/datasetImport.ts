// Importing entity data (CoNLL, Prodigy/doccano JSONL) into a project: CoNLL sentences and JSONL records are
// not files of the workspace, so they become a dataset, .pasta/datasets/<name>.jsonl (Prodigy records), which
// project.json's dataSources must cover. The input file is never modified.
import { promises as fs } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { readProjectFile, updateProjectFile } from '../../project/projectFile.js';
import { addProjectLabels, type AddedLabels } from '../../project/projectLabels.js';
import { writeFileAtomic } from '../../util/atomicWrite.js';
import { pathExists } from '../../util/pathExists.js';
import { readNerFile, type InputFormat } from './dataFiles.js';
import type { JsonlNerDocument } from './jsonl.js';
import { formatNerJsonl } from './jsonlWrite.js';
import type { TagScheme } from './tagSchemes.js';
import { InputError } from '../types.js';
import { validateNerDocuments } from '../validate.js';

export const DATASETS_DIR = join('.pasta', 'datasets');
export const DATASET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export interface NerImportOptions {
  /** Writes .pasta/datasets/<name>.jsonl; default: the input's file name without its extension. */
  name?: string;
  format?: InputFormat;
  scheme?: TagScheme;
  multiTag?: 'error' | 'first';
  /** false reads invalid CoNLL tag sequences as conlleval does; default true (report them). */
  strict?: boolean;
  /** Replace an existing dataset of that name. */
  force?: boolean;
}

export interface NerImportResult {
  /** Absolute path of the dataset written. */
  target: string;
  /** Workspace-relative, forward slashes. */
  relativeTarget: string;
  documents: number;
  /** Entity count per label. */
  entities: Map<string, number>;
  /** Labels of the data that project.json's "labels" did not list, now appended to it. */
  addedLabels: AddedLabels;
  /** True when the dataset was appended to project.json's "dataSources". */
  addedToDataSources: boolean;
}

/** A dataset name from a file name: its stem with characters a name may not hold replaced. */
export function datasetNameFor(input: string): string {
  const stem = basename(input, extname(input))
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return stem === '' ? 'imported' : stem.slice(0, 100);
}

/** True when a project.json data source (a path, a glob or {path}) reads the dataset at `relativeTarget`. */
export function coversDataset(source: unknown, relativeTarget: string): boolean {
  const path = typeof source === 'string' ? source : typeof source === 'object' && source !== null ? (source as { path?: unknown }).path : undefined;
  if (typeof path !== 'string') return false;
  const normal = path.replace(/^\.\//, '');
  return normal === relativeTarget || normal === '.pasta/datasets/*.jsonl' || normal === '.pasta/datasets/**' || normal === '.pasta/datasets';
}

/** Reads and checks `input`, writes the dataset atomically and makes sure the project reads it. */
export async function importNerDataset(workspaceRoot: string, input: string, options: NerImportOptions = {}): Promise<NerImportResult> {
  const file = resolve(input);
  const name = options.name ?? datasetNameFor(file);
  if (!DATASET_NAME.test(name))
    throw new InputError(
      file,
      undefined,
      `dataset name ${JSON.stringify(name)} must start with a letter or digit and hold only letters, digits, '.', '_' and '-'`,
    );
  const relativeTarget = `${DATASETS_DIR.split('\\').join('/')}/${name}.jsonl`;
  const target = join(resolve(workspaceRoot), DATASETS_DIR, `${name}.jsonl`);
  if (target === file) throw new InputError(file, undefined, 'is the dataset it would be imported into; import from another file');
  if (!options.force && (await pathExists(target))) throw new InputError(target, undefined, 'already exists; choose another name or replace it');

  const { raw } = await readProjectFile(workspaceRoot);
  const { documents, kind } = await readNerFile(file, {
    format: options.format ?? 'auto',
    scheme: options.scheme,
    multiTag: options.multiTag,
    strict: options.strict,
  });
  const problems = validateNerDocuments(documents, { file });
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    throw new InputError(problems[0].file, problems[0].line, `${problems[0].problem}${more}`);
  }
  if (documents.length === 0) throw new InputError(file, undefined, 'holds no sentences or records to import');
  // A CoNLL sentence without entities is annotated as having none: "spans": [] says so, where a record without
  // "spans" would read as text still waiting for annotation.
  const records =
    kind === 'conll'
      ? documents.map((d): JsonlNerDocument => ({ ...d, format: 'prodigy', source: { line: 0, record: { text: d.text, spans: [] } } }))
      : documents;
  await fs.mkdir(join(resolve(workspaceRoot), DATASETS_DIR), { recursive: true });
  await writeFileAtomic(target, formatNerJsonl(records, { format: 'prodigy' }));

  let addedToDataSources = false;
  const sources = raw.dataSources;
  if (Array.isArray(sources) && !sources.some((s) => coversDataset(s, relativeTarget))) {
    await updateProjectFile(workspaceRoot, (edited) => {
      (edited.dataSources as unknown[]).push(relativeTarget);
    });
    addedToDataSources = true;
  }
  const entities = new Map<string, number>();
  for (const d of documents) for (const s of d.spans) entities.set(s.label, (entities.get(s.label) ?? 0) + 1);
  const addedLabels = await addProjectLabels(workspaceRoot, [...entities.keys()]);
  return { target, relativeTarget, documents: documents.length, entities, addedLabels, addedToDataSources };
}
