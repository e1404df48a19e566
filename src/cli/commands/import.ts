// pasta import <file>: CoNLL or Prodigy/doccano JSONL (entities), or classification JSONL (single texts or sentence
// pairs) -> a JSONL dataset of the project, .pasta/datasets/<name>.jsonl.
import { promises as fs } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import type { JsonlNerDocument } from '../../core/data/formats/jsonl.js';
import { formatClassificationJsonl, formatNerJsonl } from '../../core/data/formats/jsonlWrite.js';
import { writeFileAtomic } from '../../core/util/atomicWrite.js';
import { pathExists } from '../../core/util/pathExists.js';
import { TAG_SCHEMES, type TagScheme } from '../../core/data/formats/tagSchemes.js';
import { InputError, type NerDocument } from '../../core/data/types.js';
import { validateClassificationRecords, validateNerDocuments } from '../../core/data/validate.js';
import { readProjectFile, updateProjectFile, type ProjectTask } from '../../core/project/projectFile.js';
import { addProjectLabels, describeAddedLabels } from '../../core/project/projectLabels.js';
import { booleanFlag, stringFlag, UsageError, type CliIo, type Command, type ParsedArgs } from '../command.js';
import { INPUT_FORMATS, readClassificationFile, readNerFile, type InputFormat } from '../../core/data/formats/dataFiles.js';
import { shownPath } from '../shownPath.js';

export const DATASETS_DIR = join('.pasta', 'datasets');
const DATASET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** Enough to fix a file by; the rest are counted. */
const MAX_PROBLEMS_SHOWN = 20;

export const importCommand: Command = {
  name: 'import',
  summary: 'Import CoNLL, Prodigy/doccano JSONL or text classification JSONL into the project as .pasta/datasets/<name>.jsonl',
  description: [
    'Reads the file, checks every sentence or record (tags, spans, offsets) and writes it as a JSONL dataset of the project: .pasta/datasets/<name>.jsonl, one Prodigy-style record {"text", "spans": [{"start", "end", "label"}]} per line (offsets in code points, as Prodigy writes them), other fields of JSONL records kept. The input file is never modified.',
    'Imported data becomes a dataset rather than sidecar annotations because sidecars annotate files of the workspace, and imported sentences are not files; the project reads .pasta/datasets/*.jsonl by default, and a project whose "dataSources" is set gets the new file appended.',
    'Entity JSONL shapes, told apart per record: Prodigy {"text", "spans": [{"start", "end", "label"}]}, doccano {"text", "label": [[start, end, label]]}, and doccano\'s newer export {"text", "entities": [{"id", "label", "start_offset", "end_offset"}], "relations": [...]} (format doccano-entities). Offsets are code points.',
    'A CoNLL file holds one token and its tag per line (tab- or space-separated, the tag in the last column) with blank lines between sentences. For a sequence (text classification) project, the input is JSONL with {"text", "label"}, or sentence pairs {"text", "text_pair", "label"} (sentence1/sentence2 and premise/hypothesis are read as text/text_pair and written as them); a file holds single texts or pairs, not both.',
  ].join('\n'),
  positionals: [{ name: 'file', description: 'The CoNLL or JSONL file to import' }],
  flags: {
    format: {
      type: 'string',
      short: 'f',
      valueName: '<format>',
      choices: INPUT_FORMATS,
      defaultText: 'auto: .jsonl is JSONL, .conll/.iob/.bio/.tsv is CoNLL, else by content',
      description: 'Format of the file; prodigy, doccano and doccano-entities also check that every entity record has that shape',
    },
    scheme: { type: 'string', valueName: '<scheme>', choices: TAG_SCHEMES, defaultText: 'IOB2', description: 'Tag scheme of a CoNLL file' },
    'multi-tag': {
      type: 'string',
      valueName: '<mode>',
      choices: ['error', 'first'],
      defaultText: 'error',
      description:
        'What to do with a CoNLL tag holding several tags ("B-corporation,B-person", as in WNUT-17 test): report it, or keep the first that makes a valid sequence',
    },
    'repair-tags': {
      type: 'boolean',
      description: 'Read invalid CoNLL tag sequences (I- after O, ...) the way conlleval does, as the start of an entity, instead of reporting them',
    },
    name: {
      type: 'string',
      short: 'n',
      valueName: '<name>',
      defaultText: 'the file name without its extension',
      description: 'Dataset name: writes .pasta/datasets/<name>.jsonl',
    },
    task: {
      type: 'string',
      valueName: '<task>',
      choices: ['token', 'sequence'],
      defaultText: "the project's task",
      description: 'token: entity spans; sequence: one label per text or sentence pair',
    },
    force: { type: 'boolean', description: 'Replace an existing dataset of the same name' },
  },
  async run(args, io) {
    const input = resolve(io.cwd, args.positionals[0]);
    const { project, raw } = await readProjectFile(args.workspace);
    const task = (stringFlag(args, 'task') as ProjectTask | undefined) ?? project.task;
    const name = datasetName(args, input);
    const relativeTarget = `${DATASETS_DIR.split('\\').join('/')}/${name}.jsonl`;
    const target = join(args.workspace, DATASETS_DIR, `${name}.jsonl`);
    if (resolve(target) === input) throw new InputError(input, undefined, 'is the dataset it would be imported into; import from another file');
    if (!booleanFlag(args, 'force') && (await pathExists(target))) {
      throw new InputError(target, undefined, 'already exists; choose another --name or pass --force to replace it');
    }

    const format = (stringFlag(args, 'format') ?? 'auto') as InputFormat;
    let text: string;
    let summary: string;
    let labels: string[] = [];
    if (task === 'token') {
      const { documents, kind } = await readNerFile(input, {
        format,
        scheme: stringFlag(args, 'scheme') as TagScheme | undefined,
        multiTag: stringFlag(args, 'multi-tag') as 'error' | 'first' | undefined,
        strict: !booleanFlag(args, 'repair-tags'),
      });
      if (reportProblems(validateNerDocuments(documents, { file: input }), io)) return 1;
      // A CoNLL sentence without entities is annotated as having none: "spans": [] says so, where a record
      // without "spans" would read as text still waiting for annotation.
      const records =
        kind === 'conll'
          ? documents.map((d): JsonlNerDocument => ({ ...d, format: 'prodigy', source: { line: 0, record: { text: d.text, spans: [] } } }))
          : documents;
      text = formatNerJsonl(records, { format: 'prodigy' });
      summary = describeEntities(documents);
      labels = documents.flatMap((d) => d.spans.map((s) => s.label));
    } else {
      if (stringFlag(args, 'scheme') || stringFlag(args, 'multi-tag'))
        throw new UsageError('--scheme and --multi-tag are for CoNLL entity data, not a sequence task', 'import');
      const records = await readClassificationFile(input, format);
      if (reportProblems(validateClassificationRecords(records, { file: input }), io)) return 1;
      text = formatClassificationJsonl(records, { labelShape: 'string', textFields: 'text' });
      const counts = countBy(records.map((r) => r.label));
      summary = `${records.length} ${records[0].textPair === undefined ? 'texts' : 'sentence pairs'} (${counts})`;
    }

    await fs.mkdir(join(args.workspace, DATASETS_DIR), { recursive: true });
    await writeFileAtomic(target, text);
    io.stdout.write(`Imported ${summary} from ${input} into ${shownPath(io.cwd, target)}\n`);

    const sources = raw.dataSources;
    if (Array.isArray(sources) && !sources.some((s) => coversDataset(s, relativeTarget))) {
      await updateProjectFile(args.workspace, (edited) => {
        (edited.dataSources as unknown[]).push(relativeTarget);
      });
      io.stdout.write(`Added ${relativeTarget} to "dataSources" in .pasta/project.json\n`);
    }
    const added = describeAddedLabels(await addProjectLabels(args.workspace, labels));
    if (added) io.stdout.write(`${added[0].toUpperCase()}${added.slice(1)}\n`);
    return 0;
  },
};

function datasetName(args: ParsedArgs, input: string): string {
  const given = stringFlag(args, 'name');
  if (given !== undefined) {
    if (!DATASET_NAME.test(given))
      throw new UsageError(`--name ${JSON.stringify(given)} must start with a letter or digit and hold only letters, digits, '.', '_' and '-'`, 'import');
    return given;
  }
  const stem = basename(input, extname(input))
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return stem === '' ? 'imported' : stem.slice(0, 100);
}

/** Every problem on its own line (exit 1); true when there were any. */
function reportProblems(problems: InputError[], io: CliIo): boolean {
  for (const problem of problems.slice(0, MAX_PROBLEMS_SHOWN)) io.stderr.write(`error: ${problem.message}\n`);
  if (problems.length > MAX_PROBLEMS_SHOWN) io.stderr.write(`error: ... and ${problems.length - MAX_PROBLEMS_SHOWN} more problems\n`);
  return problems.length > 0;
}

function coversDataset(source: unknown, relativeTarget: string): boolean {
  const path = typeof source === 'string' ? source : typeof source === 'object' && source !== null ? (source as { path?: unknown }).path : undefined;
  if (typeof path !== 'string') return false;
  const normal = path.replace(/^\.\//, '');
  return normal === relativeTarget || normal === '.pasta/datasets/*.jsonl' || normal === '.pasta/datasets/**' || normal === '.pasta/datasets';
}

function describeEntities(documents: NerDocument[]): string {
  const labels = documents.flatMap((d) => d.spans.map((s) => s.label));
  return `${documents.length} documents with ${labels.length} entities${labels.length ? ` (${countBy(labels)})` : ''}`;
}

function countBy(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => `${value} ${count}`).join(', ');
}
