// pasta predict: entity spans with character offsets and confidences (TOKEN_CLS adapters), or a label with its
// probability and the whole distribution (SEQ_CLS adapters), for files, --text or stdin.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from '../../core/data/types.js';
import { DEVICE_REQUESTS, type DeviceRequest } from '../../core/engine/device.js';
import { listAdapters } from '../../core/pasta/adapter.js';
import type { PredictedSpan } from '../../core/pasta/predictor.js';
import type { TextClassification } from '../../core/pasta/textClassifier.js';
import type { WorkspacePredictor } from '../../core/pasta/workspacePrediction.js';
import { stringFlag, stringListFlag, UsageError, type CliIo, type Command } from '../command.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The adapter to use: --adapter, else the project's active one, else the only one. */
export async function chooseAdapter(workspace: string, predictor: WorkspacePredictor, flag: string | undefined, command: string): Promise<string> {
  if (flag) return flag;
  const active = await predictor.activeAdapterName();
  if (active) return active;
  const { adapters } = await listAdapters(workspace);
  if (adapters.length === 1) return adapters[0].name;
  if (adapters.length === 0) throw new InputError(workspace, undefined, 'has no adapters in .pasta/adapters; train one with `pasta train`');
  throw new UsageError(`the workspace has ${adapters.length} adapters and none is active; pass --adapter <name>`, command);
}

function formatText(source: string, text: string, spans: PredictedSpan[]): string {
  if (spans.length === 0) return `${source}: no entities\n`;
  return spans
    .map((s) => `${source}:${s.start}-${s.end}\t${s.label}\t${s.confidence.toFixed(3)}\t${JSON.stringify(text.slice(s.start, s.end))}\n`)
    .join('');
}

function formatClassification(source: string, c: TextClassification): string {
  const distribution = c.distribution.map((d) => `${d.label} ${d.probability.toFixed(3)}`).join(', ');
  return `${source}\t${c.label}\t${c.probability.toFixed(3)}\t(${distribution})\n`;
}

function classificationRecord(text: string, c: TextClassification, source: string, adapter: string) {
  const round = (p: number) => Number(p.toFixed(4));
  return {
    text,
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

export const predictCommand: Command = {
  name: 'predict',
  summary: 'Predict entities, or classify texts, in files, --text or stdin with an adapter',
  description: [
    'Entity adapters (TOKEN_CLS): prints one line per entity (file:start-end, label, confidence, text), or with --format jsonl one Prodigy-style record per input ({"text", "spans": [{start, end, label, confidence}]}, offsets in UTF-16 code units), or CoNLL (whitespace tokens, IOB2).',
    'Text classification adapters (SEQ_CLS): one line per input (source, label, its probability, then every label with its probability), or with --format jsonl {"text", "label", "probability", "distribution": {label: probability}}. Each file or --text is one input; texts longer than maxLength word pieces are truncated.',
    'Without files or --text, reads stdin.',
  ].join('\n'),
  positionals: [{ name: 'files', description: 'Text files to predict', optional: true, variadic: true }],
  flags: {
    adapter: { type: 'string', short: 'a', valueName: '<name>', defaultText: 'the active adapter, or the only one', description: 'Adapter under .pasta/adapters' },
    text: { type: 'string', short: 't', valueName: '<text>', multiple: true, description: 'A text to predict (may be repeated)' },
    format: { type: 'string', short: 'f', valueName: '<format>', choices: ['text', 'jsonl', 'conll'], defaultText: 'text', description: 'Output format' },
    device: { type: 'string', valueName: '<device>', choices: DEVICE_REQUESTS, defaultText: 'auto', description: 'Execution provider' },
    threads: { type: 'string', valueName: '<n>', defaultText: 'all cores', description: 'CPU threads for onnxruntime' },
  },
  async run(args, io: CliIo) {
    const threads = stringFlag(args, 'threads');
    // The engine (onnxruntime's native module) loads only when a command needs it.
    const { WorkspacePredictor } = await import('../../core/pasta/workspacePrediction.js');
    const predictor = new WorkspacePredictor(args.workspace, {
      device: stringFlag(args, 'device') as DeviceRequest | undefined,
      threads: threads === undefined ? undefined : Number(threads),
    });
    try {
      const adapter = await chooseAdapter(args.workspace, predictor, stringFlag(args, 'adapter'), 'predict');
      const inputs: { source: string; text: string }[] = [];
      for (const t of stringListFlag(args, 'text')) inputs.push({ source: 'text', text: t });
      for (const f of args.positionals) {
        const path = resolve(io.cwd, f);
        const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
          throw new InputError(path, undefined, err.code === 'ENOENT' ? 'does not exist' : `cannot be read (${err.code ?? err.message})`);
        });
        inputs.push({ source: f, text });
      }
      if (inputs.length === 0) inputs.push({ source: 'stdin', text: await readStdin() });
      const format = stringFlag(args, 'format') ?? 'text';
      if ((await predictor.taskOf(adapter)) === 'SEQ_CLS') {
        if (format === 'conll') throw new UsageError(`adapter '${adapter}' classifies texts; --format conll is for entity adapters (use text or jsonl)`, 'predict');
        const classes = await predictor.classify(
          inputs.map((i) => i.text),
          inputs.map(() => adapter),
        );
        inputs.forEach((input, i) =>
          io.stdout.write(format === 'jsonl' ? `${JSON.stringify(classificationRecord(input.text, classes[i], input.source, adapter))}\n` : formatClassification(input.source, classes[i])),
        );
        return 0;
      }
      const spans = await predictor.predict(
        inputs.map((i) => i.text),
        inputs.map(() => adapter),
      );
      inputs.forEach((input, i) => {
        if (format === 'jsonl') io.stdout.write(`${JSON.stringify({ text: input.text, spans: spans[i].map(({ start, end, label, confidence }) => ({ start, end, label, confidence: Number(confidence.toFixed(4)) })), meta: { source: input.source, adapter } })}\n`);
        else if (format === 'conll') io.stdout.write(formatConll(input.text, spans[i]));
        else io.stdout.write(formatText(input.source, input.text, spans[i]));
      });
      return 0;
    } finally {
      await predictor.dispose();
    }
  },
};
