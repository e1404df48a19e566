// pasta export --out <file>: the workspace's annotations (or a data file) -> CoNLL (IOB2, BIOES, IOB1) or JSONL.
import { promises as fs } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { AnnotationStore } from '../../core/data/annotationStore.js';
import { formatConll } from '../../core/data/formats/conll.js';
import { writeFileAtomic } from '../../core/util/atomicWrite.js';
import { NER_JSONL_FORMATS, type JsonlNerDocument, type NerJsonlFormat } from '../../core/data/formats/jsonl.js';
import { formatNerJsonl } from '../../core/data/formats/jsonlWrite.js';
import { TAG_SCHEMES, type TagScheme } from '../../core/data/formats/tagSchemes.js';
import { InputError, type NerDocument } from '../../core/data/types.js';
import { booleanFlag, stringFlag, UsageError, type Command } from '../command.js';
import { INPUT_FORMATS, readNerFile, type InputFormat } from '../../core/data/formats/dataFiles.js';
import { separateEntityWords, splitIntoLines } from '../../core/data/documentLines.js';
import { shownPath } from '../shownPath.js';

export const exportCommand: Command = {
  name: 'export',
  summary: "Export the workspace's annotations (or convert a data file) to CoNLL or JSONL",
  description: [
    'By default exports every annotated file of the workspace (.pasta/annotations sidecars); files changed since they were annotated are skipped with a warning. With --from, converts that CoNLL or JSONL file instead; it is never modified.',
    'CoNLL output: one token and its tag per line, tab-separated, a blank line after each sentence; a line of an annotated file is a sentence (lines joined where an entity spans a line break). Where an entity starts or ends inside a word ("Japan."), the word is split there. JSONL output: one record per file or input record, Prodigy {"text", "spans"}, doccano {"text", "label": [[start, end, label]]} or doccano-entities {"text", "entities": [{"id", "label", "start_offset", "end_offset"}], "relations": []} (doccano >= 1.6), offsets in code points; annotated files carry "meta": {"file": <path>}.',
  ].join('\n'),
  flags: {
    out: { type: 'string', short: 'o', valueName: '<file>', description: 'Where to write; "-" writes to stdout. Required' },
    format: {
      type: 'string',
      short: 'f',
      valueName: '<format>',
      choices: ['conll', 'jsonl'],
      defaultText: 'jsonl with --jsonl-style or a .jsonl --out, else conll',
      description: 'Output format',
    },
    scheme: { type: 'string', valueName: '<scheme>', choices: TAG_SCHEMES, defaultText: 'IOB2', description: 'Tag scheme of CoNLL output' },
    'jsonl-style': {
      type: 'string',
      valueName: '<style>',
      choices: NER_JSONL_FORMATS,
      defaultText: 'prodigy, or what --from records were',
      description: 'Record shape of JSONL output',
    },
    from: {
      type: 'string',
      valueName: '<file>',
      defaultText: 'the workspace annotations',
      description: 'A CoNLL or JSONL file to convert instead of the workspace annotations',
    },
    'from-format': { type: 'string', valueName: '<format>', choices: INPUT_FORMATS, defaultText: 'auto', description: 'Format of --from' },
    'from-scheme': { type: 'string', valueName: '<scheme>', choices: TAG_SCHEMES, defaultText: 'IOB2', description: 'Tag scheme of a CoNLL --from' },
    force: { type: 'boolean', description: 'Replace --out if it exists' },
  },
  async run(args, io) {
    const outFlag = stringFlag(args, 'out');
    if (outFlag === undefined) throw new UsageError('--out <file> is required ("-" for stdout)', 'export');
    const toStdout = outFlag === '-';
    const out = toStdout ? '-' : resolve(io.cwd, outFlag);
    const impliedFormat = stringFlag(args, 'jsonl-style') ? 'jsonl' : stringFlag(args, 'scheme') ? 'conll' : undefined;
    const format = stringFlag(args, 'format') ?? impliedFormat ?? (extname(outFlag).toLowerCase() === '.jsonl' ? 'jsonl' : 'conll');
    if (format === 'jsonl' && stringFlag(args, 'scheme')) throw new UsageError('--scheme is for CoNLL output', 'export');
    if (format === 'conll' && stringFlag(args, 'jsonl-style')) throw new UsageError('--jsonl-style is for JSONL output', 'export');

    const fromFlag = stringFlag(args, 'from');
    const from = fromFlag === undefined ? undefined : resolve(io.cwd, fromFlag);
    if (from !== undefined && from === out) throw new InputError(from, undefined, 'is both --from and --out; the input file is never overwritten');
    if (!toStdout) {
      const existing = await fs.stat(out).catch(() => undefined);
      if (existing?.isDirectory()) throw new InputError(out, undefined, 'is a directory; --out needs a file name');
      if (existing && !booleanFlag(args, 'force')) throw new InputError(out, undefined, 'already exists; pass --force to replace it');
    }

    let documents: NerDocument[];
    if (from !== undefined) {
      documents = (
        await readNerFile(from, {
          format: (stringFlag(args, 'from-format') ?? 'auto') as InputFormat,
          scheme: stringFlag(args, 'from-scheme') as TagScheme | undefined,
        })
      ).documents;
    } else {
      const store = new AnnotationStore(args.workspace);
      const loaded = await store.loadAll();
      for (const problem of loaded.problems) io.stderr.write(`warning: ${problem.message} (skipped)\n`);
      documents = loaded.documents.map((d): JsonlNerDocument => ({ ...d, format: 'prodigy', source: { line: 0, record: { meta: { file: d.id } } } }));
      if (documents.length === 0) throw new InputError(args.workspace, undefined, 'has no annotated files to export (annotations live in .pasta/annotations)');
    }

    const text =
      format === 'conll'
        ? formatConll(from === undefined ? documents.flatMap((d) => splitIntoLines(separateEntityWords(d))) : documents, {
            scheme: (stringFlag(args, 'scheme') ?? 'IOB2') as TagScheme,
          })
        : formatNerJsonl(documents, { format: stringFlag(args, 'jsonl-style') as NerJsonlFormat | undefined });

    if (toStdout) {
      io.stdout.write(text);
      return 0;
    }
    await fs.mkdir(dirname(out), { recursive: true });
    await writeFileAtomic(out, text);
    const entities = documents.reduce((n, d) => n + d.spans.length, 0);
    io.stdout.write(
      `Exported ${documents.length} ${from === undefined ? 'annotated files' : 'documents'} with ${entities} entities to ${shownPath(io.cwd, out)} (${format === 'conll' ? `CoNLL, ${stringFlag(args, 'scheme') ?? 'IOB2'}` : 'JSONL'})\n`,
    );
    return 0;
  },
};
