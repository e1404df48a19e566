// A sequence (text classification) project's data: the JSONL sources project.json names, read as
// {"text", "label"} records (plain, doccano ["x"] or Prodigy shapes) or sentence pairs ({"text", "text_pair",
// "label"}, or GLUE's sentence1/sentence2 and premise/hypothesis), their class names, and the same seeded
// train/dev split as the token task. A project's data is all single texts or all pairs.
//
// Class names: project.json's label names when at least one of them occurs in the data (the project then
// declares the classes, and a record with a label outside them is an error naming its file and line);
// otherwise (e.g. the default entity labels left in place) the labels found in the data, sorted by code point.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { checkTextPairs, readClassificationJsonl } from '../data/formats/jsonl';
import { InputError, type ClassificationRecord } from '../data/types';
import { locationFromId } from '../data/validate';
import type { Project } from './projectFile';
import { projectFilePath } from './projectFile';
import { SeededRandom } from '../util/random';
import { expandPath } from './workspaceData';

export interface ClassificationData {
  train: ClassificationRecord[];
  dev: ClassificationRecord[];
  /** Class names in id order. */
  labels: string[];
  /** True when every record is a sentence pair (text and textPair). */
  pairs: boolean;
  /** Where the class names came from (see the file comment). */
  labelSource: 'project' | 'data';
  /** Problems that did not stop training, for the user to see. */
  warnings: InputError[];
  /** "sha256:<hex>" over the training and dev texts and labels. */
  fingerprint: string;
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The class names of a project whose declared labels are `declared`, for records carrying `found` labels. */
export function classLabels(declared: readonly string[], records: readonly ClassificationRecord[]): { labels: string[]; source: 'project' | 'data' } {
  const found = new Set(records.map((r) => r.label));
  if (declared.some((l) => found.has(l))) return { labels: [...declared], source: 'project' };
  return { labels: [...found].sort(compareCodePoints), source: 'data' };
}

const PROJECT_CLASSES = { owner: "the project's classes", hint: '; add it to .pasta/project.json "labels" or fix the record' };

/**
 * Throws the first record whose label is not a class, naming its file and line; `classes` says whose classes
 * they are (default: the project's, with how to add one).
 */
export function checkRecordLabels(
  records: readonly ClassificationRecord[],
  labels: readonly string[],
  classes: { owner: string; hint?: string } = PROJECT_CLASSES,
): void {
  const known = new Set(labels);
  for (const r of records) {
    if (known.has(r.label)) continue;
    const where = locationFromId(r) ?? { file: r.id, line: undefined };
    throw new InputError(where.file, where.line, `label "${r.label}" is not one of ${classes.owner} (${labels.join(', ')})${classes.hint ?? ''}`);
  }
}

export function classificationFingerprint(records: readonly ClassificationRecord[]): string {
  const hash = createHash('sha256');
  // Single texts hash as they always did, so that existing adapters keep their fingerprints.
  for (const r of records) hash.update(JSON.stringify(r.textPair === undefined ? [r.text, r.label] : [r.text, r.textPair, r.label]));
  return `sha256:${hash.digest('hex')}`;
}

async function readRecords(root: string, project: Project, warnings: InputError[]): Promise<ClassificationRecord[]> {
  const records: ClassificationRecord[] = [];
  for (const source of project.dataSources) {
    if (source.format === 'conll') {
      throw new InputError(
        projectFilePath(root),
        undefined,
        `data source "${source.path}" is CoNLL (token labels); a "sequence" project reads JSONL records {"text", "label"}`,
      );
    }
    // Annotation sidecars hold entity spans; text labels come from JSONL datasets in this version.
    if (source.format === 'annotations') continue;
    for (const file of await expandPath(root, source.path)) records.push(...(await readClassificationJsonl(file)));
  }
  const kept = records.filter((r) => r.text.trim() !== '' && (r.textPair === undefined || r.textPair.trim() !== ''));
  if (kept.length < records.length)
    warnings.push(new InputError(projectFilePath(root), undefined, `${records.length - kept.length} record(s) with an empty text were skipped`));
  return kept;
}

export async function loadClassificationData(root: string, project: Project): Promise<ClassificationData> {
  const warnings: InputError[] = [];
  const all = await readRecords(root, project, warnings);
  const where = projectFilePath(root);
  if (all.length === 0) {
    throw new InputError(
      where,
      undefined,
      `no classification records found in ${
        project.dataSources
          .filter((s) => s.format === 'jsonl')
          .map((s) => s.path)
          .join(', ') || 'the data sources'
      }; add JSONL files of {"text", "label"}`,
    );
  }

  let train: ClassificationRecord[];
  let dev: ClassificationRecord[];
  if ('file' in project.dev) {
    const devFile = resolve(root, project.dev.file);
    if (!devFile.endsWith('.jsonl')) throw new InputError(where, undefined, `dev file "${project.dev.file}" must be JSONL for a "sequence" project`);
    dev = await readClassificationJsonl(devFile);
    train = all;
  } else {
    if (all.length < 2) throw new InputError(where, undefined, `only ${all.length} labelled text(s): label a few more before training`);
    const order = new SeededRandom(project.dev.seed).shuffle(all.map((_, i) => i));
    const devCount = Math.max(1, Math.round(all.length * project.dev.fraction));
    const devSet = new Set(order.slice(0, devCount));
    dev = all.filter((_, i) => devSet.has(i));
    train = all.filter((_, i) => !devSet.has(i));
  }

  const { labels, source } = classLabels(
    project.labels.map((l) => l.name),
    [...train, ...dev],
  );
  checkRecordLabels(train, labels);
  checkRecordLabels(dev, labels);
  if (labels.length < 2) throw new InputError(where, undefined, `the data has only one class (${labels[0]}); text classification needs at least two`);
  const pairs = checkTextPairs([...train, ...dev]);
  return { train, dev, labels, labelSource: source, pairs, warnings, fingerprint: classificationFingerprint([...train, ...dev]) };
}
