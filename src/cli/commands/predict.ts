// pasta predict: entity spans with character offsets and confidences (TOKEN_CLS adapters), or a label with its
// probability and the whole distribution (SEQ_CLS adapters), for files, --text or stdin. A sentence-pair adapter
// reads JSONL records {"text", "text_pair"} from files or stdin.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseTextInputsJsonl } from '../../core/data/formats/jsonl.js';
import { InputError } from '../../core/data/types.js';
import { nulByteProblem } from '../../core/util/readTextFile.js';
import { DEVICE_REQUESTS, type DeviceRequest } from '../../core/engine/deviceNames.js';
import { PRECISIONS, type Precision } from '../../core/graph/kernels.js';
import type { PredictedSpan } from '../../core/prediction/predictor.js';
import type { TextClassification } from '../../core/prediction/textClassifier.js';
import type { WorkspacePredictor } from '../../core/prediction/workspacePrediction.js';
import { booleanFlag, stringFlag, stringListFlag, UsageError, type CliIo, type Command, type ParsedArgs } from '../command.js';
import { adapterFlag, chooseAdapter } from '../adapterChoice.js';
import { predictCorpus } from '../corpusPredict.js';
import { isCorpusInput } from '../../core/corpus/corpusRecords.js';

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function formatText(source: string, text: string, spans: PredictedSpan[]): string {
  if (spans.length === 0) return `${source}: no entities\n`;
  return spans.map((s) => `${source}:${s.start}-${s.end}\t${s.label}\t${s.confidence.toFixed(3)}\t${JSON.stringify(text.slice(s.start, s.end))}\n`).join('');
}

function formatClassification(source: string, c: TextClassification): string {
  const distribution = c.distribution.map((d) => `${d.label} ${d.probability.toFixed(3)}`).join(', ');
  return `${source}\t${c.label}\t${c.probability.toFixed(3)}\t(${distribution})\n`;
}

function classificationRecord(text: string, c: TextClassification, source: string, adapter: string, textPair?: string) {
  const round = (p: number) => Number(p.toFixed(4));
  return {
    text,
    ...(textPair === undefined ? {} : { text_pair: textPair }),
    label: c.label,
    probability: round(c.probability),
    distribution: Object.fromEntries(c.distribution.map((d) => [d.label, round(d.probability)])),
    meta: { source, adapter },
  };
}

function formatConll(text: string, spans: PredictedSpan[]): string {
  const lines: string[] = [];
  const re = /\S+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    const span = spans.find((s) => s.start < end && s.end > start);
    const tag = span ? `${span.start >= start ? 'B' : 'I'}-${span.label}` : 'O';
    lines.push(`${m[0]}\t${tag}`);
  }
  return `${lines.join('\n')}\n\n`;
}

interface PredictInput {
  /** "text", the file as given on the command line, or "stdin". */
  source: string;
  /** The file read, for messages. */
  path?: string;
  text: string;
}

async function readInputs(files: string[], texts: string[], cwd: string): Promise<PredictInput[]> {
  const inputs: PredictInput[] = texts.map((text) => ({ source: 'text', text }));
  for (const f of files) {
    const path = resolve(cwd, f);
    const bytes = await readFile(path).catch((err: NodeJS.ErrnoException) => {
      throw new InputError(path, undefined, err.code === 'ENOENT' ? 'does not exist' : `cannot be read (${err.code ?? err.message})`);
    });
    // As corpus mode refuses them, but here the file was named: one line, not a skip.
    const notText = nulByteProblem(bytes);
    if (notText) throw new InputError(path, notText.line, notText.problem);
    inputs.push({ source: f, path, text: bytes.toString('utf8') });
  }
  if (inputs.length === 0) {
    const bytes = await readStdin();
    const notText = nulByteProblem(bytes, 'stream');
    if (notText) throw new InputError('stdin', notText.line, notText.problem);
    inputs.push({ source: 'stdin', path: 'stdin', text: bytes.toString('utf8') });
  }
  return inputs;
}

/** A sentence-pair adapter's inputs: JSONL records {"text", "text_pair"} in the files or on stdin, one input each. */
async function predictPairs(predictor: WorkspacePredictor, adapter: string, files: string[], hasTextFlag: boolean, format: string, io: CliIo): Promise<number> {
  if (hasTextFlag)
    throw new UsageError(
      `adapter '${adapter}' classifies sentence pairs, and --text gives a single text; pass JSONL records {"text", "text_pair"} in files or on stdin`,
      'predict',
    );
  const records: { source: string; text: string; textPair?: string }[] = [];
  for (const input of await readInputs(files, [], io.cwd)) {
    const file = input.path ?? input.source;
    const rows = input.text.replace(/^\uFEFF/, '').split('\n');
    const first = rows.findIndex((row) => row.trim() !== '');
    if (first >= 0 && !rows[first].trimStart().startsWith('{')) {
      throw new InputError(
        file,
        first + 1,
        `is plain text, but adapter '${adapter}' classifies sentence pairs; give it JSONL records {"text", "text_pair"}, one per line`,
      );
    }
    for (const r of parseTextInputsJsonl(input.text, file)) records.push({ source: `${input.source}:${r.source.line}`, text: r.text, textPair: r.textPair });
  }
  if (records.length === 0) throw new InputError(files[0] ?? 'stdin', undefined, 'holds no records {"text", "text_pair"} to classify');
  const classes = await predictor.classify(
    records.map((r) => ({ text: r.text, textPair: r.textPair })),
    records.map(() => adapter),
  );
  records.forEach((r, i) =>
    io.stdout.write(
      format === 'jsonl'
        ? `${JSON.stringify(classificationRecord(r.text, classes[i], r.source, adapter, r.textPair))}\n`
        : formatClassification(r.source, classes[i]),
    ),
  );
  return 0;
}

async function anyCorpusInput(positionals: string[], cwd: string): Promise<boolean> {
  for (const p of positionals) if (await isCorpusInput(p, cwd)) return true;
  return false;
}

async function predictWith(predictor: WorkspacePredictor, args: ParsedArgs, io: CliIo): Promise<number> {
  const adapter = await chooseAdapter(args.workspace, predictor, stringFlag(args, 'adapter'), 'predict');
  const format = stringFlag(args, 'format') ?? 'text';
  const task = await predictor.taskOf(adapter);
  if (task === 'SEQ_CLS') {
    if (format === 'conll') throw new UsageError(`adapter '${adapter}' classifies texts; --format conll is for entity adapters (use text or jsonl)`, 'predict');
    if (await predictor.classifiesPairs(adapter))
      return await predictPairs(predictor, adapter, args.positionals, stringListFlag(args, 'text').length > 0, format, io);
  }
  const out = stringFlag(args, 'out');
  const jsonl = booleanFlag(args, 'jsonl');
  if (out !== undefined || jsonl || (await anyCorpusInput(args.positionals, io.cwd))) {
    if (stringListFlag(args, 'text').length > 0)
      throw new UsageError('--text is not for corpus mode (--out, --jsonl, directories, globs, *.jsonl); put the texts in files or JSONL records', 'predict');
    if (format !== 'jsonl' && stringFlag(args, 'format') !== undefined)
      throw new UsageError('corpus mode writes JSONL; drop --format or use --format jsonl', 'predict');
    return await predictCorpus({ predictor, adapter, task, inputs: args.positionals, jsonl, out }, io);
  }
  const inputs = await readInputs(args.positionals, stringListFlag(args, 'text'), io.cwd);
  if (task === 'SEQ_CLS') {
    const classes = await predictor.classify(
      inputs.map((i) => i.text),
      inputs.map(() => adapter),
    );
    inputs.forEach((input, i) =>
      io.stdout.write(
        format === 'jsonl'
          ? `${JSON.stringify(classificationRecord(input.text, classes[i], input.source, adapter))}\n`
          : formatClassification(input.source, classes[i]),
      ),
    );
    return 0;
  }
  const spans = await predictor.predict(
    inputs.map((i) => i.text),
    inputs.map(() => adapter),
  );
  inputs.forEach((input, i) => {
    if (format === 'jsonl')
      io.stdout.write(
        `${JSON.stringify({ text: input.text, spans: spans[i].map(({ start, end, label, confidence }) => ({ start, end, label, confidence: Number(confidence.toFixed(4)) })), meta: { source: input.source, adapter } })}\n`,
      );
    else if (format === 'conll') io.stdout.write(formatConll(input.text, spans[i]));
    else io.stdout.write(formatText(input.source, input.text, spans[i]));
  });
  return 0;
}

/** The device and precision predictions ran in: int8's weight bits (7 where the CPU's integer kernel saturates), or why fp32. */
function precisionLine(predictor: WorkspacePredictor): string | undefined {
  const p = predictor.precision;
  if (!p) return undefined;
  const bits = p.int8WeightBits ? `${p.int8WeightBits}-bit weights` : undefined;
  const why = p.reason ?? bits;
  return `predicted on ${predictor.device ?? 'cpu'} in ${p.used}${why ? ` (${why})` : ''}`;
}

export const predictCommand: Command = {
  name: 'predict',
  summary: 'Predict entities, or classify texts, in files, --text or stdin with an adapter',
  description: [
    'Entity adapters (TOKEN_CLS): prints one line per entity (file:start-end, label, confidence, text), or with --format jsonl one Prodigy-style record per input ({"text", "spans": [{start, end, label, confidence}]}, offsets in UTF-16 code units), or CoNLL (whitespace tokens, IOB2).',
    'Text classification adapters (SEQ_CLS): one line per input (source, label, its probability, then every label with its probability), or with --format jsonl {"text", "label", "probability", "distribution": {label: probability}}. Each file or --text is one input; texts longer than maxLength word pieces are truncated.',
    'Sentence-pair adapters (SEQ_CLS trained on {"text", "text_pair"} records): the files or stdin are JSONL, one record {"text", "text_pair"} (or sentence1/sentence2, premise/hypothesis) per line, each an input named file:line; --text and plain text are refused. Pairs longer than maxLength are truncated longest first.',
    'Without files or --text, reads stdin.',
    'Corpus mode (--out, --jsonl, or a directory, glob or *.jsonl among the files): records stream from the files (a text file is one record; a directory is walked, names starting with "." skipped; a quoted glob is expanded; a *.jsonl file, or with --jsonl any file and stdin, holds one record {"text", ...} per line) and are tagged in chunks, each chunk\'s windows batched by length; one JSONL record per input record, in input order, with the input record\'s other fields and "meta": {"source": file or file:line, "adapter"}. With --out a later run skips the records already there (a last line cut short is dropped and redone); each record is written as one whole line. A record that cannot be read (a binary file, a broken JSON line, no string "text") is reported on stderr and skipped.',
  ].join('\n'),
  positionals: [{ name: 'files', description: 'Text files to predict', optional: true, variadic: true }],
  flags: {
    adapter: adapterFlag(),
    text: {
      type: 'string',
      short: 't',
      valueName: '<text>',
      multiple: true,
      description: 'A text to predict (may be repeated); not for sentence-pair adapters',
    },
    format: { type: 'string', short: 'f', valueName: '<format>', choices: ['text', 'jsonl', 'conll'], defaultText: 'text', description: 'Output format' },
    device: { type: 'string', valueName: '<device>', choices: DEVICE_REQUESTS, defaultText: 'auto', description: 'Execution provider' },
    threads: { type: 'string', valueName: '<n>', defaultText: 'all cores', description: 'CPU threads for onnxruntime' },
    precision: {
      type: 'string',
      valueName: '<precision>',
      choices: PRECISIONS,
      defaultText: 'fp32',
      description: "The frozen base's matrix products in fp32 or int8 (CPU only; a GPU predicts in fp32)",
    },
    out: {
      type: 'string',
      short: 'o',
      valueName: '<file>',
      description: 'Corpus mode: append JSONL records to this file, resuming after the records it holds',
    },
    jsonl: { type: 'boolean', description: 'Corpus mode: the files and stdin are JSON Lines, one record {"text", ...} per line' },
  },
  async run(args, io: CliIo) {
    const threads = stringFlag(args, 'threads');
    // The engine (onnxruntime's native module) loads only when a command needs it.
    const { WorkspacePredictor } = await import('../../core/prediction/workspacePrediction.js');
    const predictor = new WorkspacePredictor(args.workspace, {
      device: stringFlag(args, 'device') as DeviceRequest | undefined,
      threads: threads === undefined ? undefined : Number(threads),
      precision: stringFlag(args, 'precision') as Precision | undefined,
    });
    try {
      const status = await predictWith(predictor, args, io);
      // stdout is the predictions: what the base ran in goes to stderr, where int8 was asked for.
      const ran = stringFlag(args, 'precision') === 'int8' ? precisionLine(predictor) : undefined;
      if (ran) io.stderr.write(`${ran}\n`);
      return status;
    } finally {
      await predictor.dispose();
    }
  },
};
