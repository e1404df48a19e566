// .pasta/project.json: labels, base model, data and training settings. Every field is optional, so a missing or
// empty file works; what the file says is checked against schemas/project.schema.json with errors naming the file,
// the line and the field. Updates rewrite only what the file already holds plus the change, never the defaults.
import { promises as fs } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import projectSchema from '../../../schemas/project.schema.json';
import { writeFileAtomic } from '../util/atomicWrite.js';
import type { DeviceRequest } from '../engine/deviceNames.js';
import type { Precision } from '../graph/kernels.js';
import type { DropoutMode } from '../graph/encoderDropout.js';
import { InputError } from '../data/types.js';
import { formatJsonPath, parseJsonWithLines, type JsonPath, type JsonValue, type JsonWithLines } from '../util/jsonWithLines.js';
import { DEFAULT_LABELS, resolveLabels, type LabelDefinition, type LabelEntry } from './labels.js';
import { firstViolation, type SchemaNode } from './projectFileSchema.js';

export const PROJECT_FILE = join('.pasta', 'project.json');
export const PROJECT_SCHEMA = projectSchema as SchemaNode;

/** A project file is a few kilobytes; refusing large ones keeps a mistaken path from filling memory. */
const MAX_PROJECT_BYTES = 1024 * 1024;

export type ProjectTask = 'token' | 'sequence';
export type DataSourceFormat = 'annotations' | 'jsonl' | 'conll';
export type Device = DeviceRequest;

export interface DataSource {
  /** File or glob relative to the workspace. */
  path: string;
  format: DataSourceFormat;
  scheme?: 'IOB2' | 'IOB1' | 'BIOES';
}

export type DevSplit = { fraction: number; seed: number } | { file: string };

export interface Hyperparameters {
  epochs: number;
  batchSize: number;
  learningRate: number;
  warmupRatio: number;
  weightDecay: number;
  maxLength: number;
  stride: number;
  patience: number;
  seed: number;
  /** none; pasta: the vectors and the head's input (hidden_dropout_prob); all: those and the encoder's own. */
  dropout: DropoutMode;
  threads: number;
  device: Device;
  /** The frozen base's Linear products: float32, or int8 (the CPU only; other providers train in fp32). */
  precision: Precision;
}

/** The project with every default filled in. */
export interface Project {
  labels: LabelDefinition[];
  baseModel: string;
  task: ProjectTask;
  dataSources: DataSource[];
  dev: DevSplit;
  hyperparameters: Hyperparameters;
  activeAdapter: string | null;
}

export const DEFAULT_BASE_MODEL = 'all-MiniLM-L6-v2';

export const DEFAULT_HYPERPARAMETERS: Readonly<Hyperparameters> = Object.freeze({
  epochs: 20,
  batchSize: 16,
  learningRate: 3e-3,
  warmupRatio: 0.1,
  weightDecay: 0,
  maxLength: 128,
  stride: 32,
  patience: 5,
  seed: 42,
  dropout: 'pasta',
  threads: 0,
  device: 'auto',
  precision: 'fp32',
});

export const DEFAULT_DATA_SOURCES: readonly string[] = ['.pasta/annotations', '.pasta/datasets/*.jsonl'];

export function defaultProject(): Project {
  return {
    labels: DEFAULT_LABELS.map((label) => ({ ...label })),
    baseModel: DEFAULT_BASE_MODEL,
    task: 'token',
    dataSources: DEFAULT_DATA_SOURCES.map(toDataSource),
    dev: { fraction: 0.1, seed: 42 },
    hyperparameters: { ...DEFAULT_HYPERPARAMETERS },
    activeAdapter: null,
  };
}

export interface ProjectFileContents {
  /** Absolute path of .pasta/project.json. */
  file: string;
  exists: boolean;
  /** The fields as the file writes them (an empty object for a missing or empty file). */
  raw: { [key: string]: JsonValue };
  project: Project;
}

/** What is wrong with `value` as hyperparameters[key] of project.json ("must be at least 1, found 0"), if anything. */
export function hyperparameterProblem(key: keyof Hyperparameters, value: JsonValue): string | undefined {
  const schema = PROJECT_SCHEMA.properties?.hyperparameters?.properties?.[key];
  return schema ? firstViolation(schema, value, [])?.problem : undefined;
}

export function projectFilePath(workspaceRoot: string): string {
  return join(resolve(workspaceRoot), PROJECT_FILE);
}

export async function readProjectFile(workspaceRoot: string): Promise<ProjectFileContents> {
  const file = projectFilePath(workspaceRoot);
  const text = await readSmallFile(file);
  if (text === undefined) return { file, exists: false, raw: {}, project: defaultProject() };
  const { raw, project } = parseProjectFile(text, file);
  return { file, exists: true, raw, project };
}

/** Parses and checks project.json text; an empty (or whitespace-only) text means the defaults. */
export function parseProjectFile(text: string, file: string): { raw: { [key: string]: JsonValue }; project: Project } {
  if (text.replace(/^\uFEFF/, '').trim() === '') return { raw: {}, project: defaultProject() };
  const json = parseJsonWithLines(text, file);
  const raw = json.value;
  checkProject(raw, file, json);
  return { raw: raw as { [key: string]: JsonValue }, project: resolveProject(raw as { [key: string]: JsonValue }) };
}

/**
 * Reads project.json, lets `change` edit its fields as written, checks the result and writes it atomically.
 * Returns what was written.
 */
export async function updateProjectFile(workspaceRoot: string, change: (raw: { [key: string]: JsonValue }) => void): Promise<ProjectFileContents> {
  const { file, raw } = await readProjectFile(workspaceRoot);
  const edited = structuredClone(raw);
  change(edited);
  const text = `${JSON.stringify(edited, null, 2)}\n`;
  // Checked as the text that will be written, so that an error names the line it would have.
  const { project } = parseProjectFile(text, file);
  await fs.mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, text);
  return { file, exists: true, raw: edited, project };
}

function checkProject(value: JsonValue, file: string, json: JsonWithLines): void {
  const fail = (path: JsonPath, problem: string): never => {
    throw new InputError(file, json.lineOf(path), path.length === 0 ? `the project ${problem}` : `${formatJsonPath(path)} ${problem}`);
  };
  const violation = firstViolation(PROJECT_SCHEMA, value, []);
  if (violation) fail(violation.path, violation.problem);

  // Rules a JSON Schema (draft-07, as editors support it) cannot say.
  const project = value as { [key: string]: JsonValue };
  const labels = (project.labels ?? []) as unknown as LabelEntry[];
  const names = new Map<string, number>();
  const keys = new Map<string, number>();
  labels.forEach((label, i) => {
    const name = typeof label === 'string' ? label : label.name;
    if (names.has(name)) fail(typeof label === 'string' ? ['labels', i] : ['labels', i, 'name'], `"${name}" is already the name of labels[${names.get(name)}]`);
    names.set(name, i);
    if (typeof label === 'string' || label.key === undefined) return;
    if (keys.has(label.key)) fail(['labels', i, 'key'], `"${label.key}" is already the key of labels[${keys.get(label.key)}]`);
    keys.set(label.key, i);
  });
  const dev = project.dev as { fraction?: number; seed?: number; file?: string } | undefined;
  if (dev?.file !== undefined && (dev.fraction !== undefined || dev.seed !== undefined)) {
    fail(['dev', 'file'], 'excludes "fraction" and "seed": the dev split is either a file or a random fraction');
  }
  const hyper = { ...DEFAULT_HYPERPARAMETERS, ...((project.hyperparameters ?? {}) as Partial<Hyperparameters>) };
  if (hyper.stride >= hyper.maxLength) {
    if ((project.hyperparameters as Record<string, unknown> | undefined)?.stride !== undefined) {
      fail(['hyperparameters', 'stride'], `must be less than maxLength (${hyper.maxLength}), found ${hyper.stride}`);
    }
    fail(['hyperparameters', 'maxLength'], `must be more than stride (${hyper.stride}), found ${hyper.maxLength}`);
  }
}

function resolveProject(raw: { [key: string]: JsonValue }): Project {
  const defaults = defaultProject();
  const dev = raw.dev as { fraction?: number; seed?: number; file?: string } | undefined;
  return {
    labels: raw.labels ? resolveLabels(raw.labels as unknown as LabelEntry[]) : defaults.labels,
    baseModel: (raw.baseModel as string | undefined) ?? defaults.baseModel,
    task: (raw.task as ProjectTask | undefined) ?? defaults.task,
    dataSources: raw.dataSources ? (raw.dataSources as (string | DataSource)[]).map(toDataSource) : defaults.dataSources,
    dev: dev === undefined ? defaults.dev : dev.file !== undefined ? { file: dev.file } : { fraction: dev.fraction ?? 0.1, seed: dev.seed ?? 42 },
    hyperparameters: { ...defaults.hyperparameters, ...((raw.hyperparameters ?? {}) as Partial<Hyperparameters>) },
    activeAdapter: (raw.activeAdapter as string | null | undefined) ?? null,
  };
}

/** The format a data source path implies: .jsonl, CoNLL extensions, or the annotations of the files it names. */
export function formatOfPath(path: string): DataSourceFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.jsonl')) return 'jsonl';
  if (/\.(conll|conllu|iob|iob2|bio|tsv)$/.test(lower)) return 'conll';
  return 'annotations';
}

function toDataSource(source: string | DataSource): DataSource {
  if (typeof source === 'string') return { path: source, format: formatOfPath(source) };
  return { ...source, format: source.format ?? formatOfPath(source.path) };
}

async function readSmallFile(file: string): Promise<string | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new InputError(file, undefined, `cannot read (${code ?? (error as Error).message})`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new InputError(file, undefined, 'is not a regular file');
    if (stat.size > MAX_PROJECT_BYTES) throw new InputError(file, undefined, `is ${stat.size} bytes; a project file is at most ${MAX_PROJECT_BYTES}`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
