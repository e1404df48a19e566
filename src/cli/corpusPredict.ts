// `pasta predict` over a corpus: records streamed from files, directories, globs, JSONL files or stdin, tagged in
// chunks (each chunk's windows batched by length), written as JSON Lines in input order to stdout or to --out,
// which a later run resumes. A bad record is reported on stderr and skipped; the run goes on.
import { resolve } from 'node:path';
import type { AdapterTaskType } from '../core/adapter/adapterConfig.js';
import { corpusRecords, type CorpusRecord } from '../core/corpus/corpusRecords.js';
import { openResumableJsonl, streamSink, type RecordSink } from '../core/corpus/resumableJsonl.js';
import type { WorkspacePredictor } from '../core/prediction/workspacePrediction.js';
import type { CliIo } from './command.js';

/** Records per call to the predictor: enough for its length sorting to fill batches with like lengths. */
export const CORPUS_CHUNK = 256;

export interface CorpusRun {
  predictor: WorkspacePredictor;
  adapter: string;
  task: AdapterTaskType;
  inputs: string[];
  /** Plain files and stdin are JSON Lines too (*.jsonl always are). */
  jsonl: boolean;
  out?: string;
  chunkSize?: number;
}

const round = (p: number) => Number(p.toFixed(4));

async function tagChunk(run: CorpusRun, chunk: CorpusRecord[], sink: RecordSink): Promise<void> {
  const texts = chunk.map((r) => r.text);
  const base = (r: CorpusRecord) => r.record ?? { text: r.text };
  const meta = (r: CorpusRecord) => ({
    ...(typeof r.record?.meta === 'object' && r.record.meta !== null ? r.record.meta : {}),
    source: r.source,
    adapter: run.adapter,
  });
  if (run.task === 'SEQ_CLS') {
    const classes = await run.predictor.classify(
      texts,
      texts.map(() => run.adapter),
    );
    for (const [i, r] of chunk.entries()) {
      const c = classes[i];
      const distribution = Object.fromEntries(c.distribution.map((d) => [d.label, round(d.probability)]));
      await sink.write({ ...base(r), label: c.label, probability: round(c.probability), distribution, meta: meta(r) });
    }
    return;
  }
  const spans = await run.predictor.predict(
    texts,
    texts.map(() => run.adapter),
  );
  for (const [i, r] of chunk.entries()) {
    await sink.write({
      ...base(r),
      spans: spans[i].map(({ start, end, label, confidence }) => ({ start, end, label, confidence: round(confidence) })),
      meta: meta(r),
    });
  }
}

export async function predictCorpus(run: CorpusRun, io: CliIo): Promise<number> {
  const out = run.out === undefined ? undefined : resolve(io.cwd, run.out);
  const sink = out ? await openResumableJsonl(out) : streamSink(io.stdout);
  if (sink.droppedBytes > 0)
    io.stderr.write(`warning: ${out}: dropped a last line cut short by an earlier run (${sink.droppedBytes} bytes); its record is tagged again\n`);
  const terminal = (io.stderr as { isTTY?: boolean }).isTTY === true;
  const started = Date.now();
  const written = new Set(sink.done);
  let tagged = 0;
  let skipped = 0;
  let resumed = 0;
  const progress = () => {
    if (!terminal) return;
    const seconds = (Date.now() - started) / 1000;
    io.stderr.write(
      `\r\x1b[2Ktagged ${tagged} records (${(tagged / Math.max(seconds, 1e-3)).toFixed(1)}/s)${skipped ? `, ${skipped} skipped` : ''}${resumed ? `, ${resumed} already written` : ''}`,
    );
  };
  let chunk: CorpusRecord[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    await tagChunk(run, chunk, sink);
    tagged += chunk.length;
    chunk = [];
    progress();
  };
  try {
    for await (const item of corpusRecords(run.inputs, { cwd: io.cwd, jsonl: run.jsonl })) {
      if (item.kind === 'problem') {
        skipped++;
        if (terminal) io.stderr.write('\r\x1b[2K');
        io.stderr.write(`warning: ${item.file}${item.line === undefined ? '' : `:${item.line}`}: ${item.problem} (skipped)\n`);
        continue;
      }
      if (written.has(item.source)) {
        resumed++;
        continue;
      }
      written.add(item.source);
      chunk.push(item);
      if (chunk.length >= (run.chunkSize ?? CORPUS_CHUNK)) await flush();
    }
    await flush();
  } finally {
    await sink.close();
  }
  if (terminal) io.stderr.write('\r\x1b[2K');
  const parts = [`tagged ${tagged} records${out ? ` into ${out}` : ''}`];
  if (resumed > 0) parts.push(`${resumed} already there`);
  if (skipped > 0) parts.push(`${skipped} bad records skipped`);
  io.stderr.write(`${parts.join('; ')}\n`);
  return 0;
}
