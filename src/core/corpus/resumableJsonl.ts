// A JSON Lines output that a corpus run can resume: the sources of the records already written are read back (a
// last line cut short by an interrupted run is dropped from the file first), and each new record is appended with
// one write of the whole line, so that the file never holds half a record between runs.
import { open, readFile, stat, truncate } from 'node:fs/promises';
import { InputError } from '../data/types';

export interface RecordSink {
  /** Sources of the records written by an earlier run (empty for a new file or stdout). */
  readonly done: ReadonlySet<string>;
  /** How many bytes of a cut-off last line were dropped (0 when the file ended with a whole line). */
  readonly droppedBytes: number;
  write(record: object): Promise<void>;
  close(): Promise<void>;
}

/** The source a written record carries in meta.source, as the corpus run writes it. */
function sourceOf(line: string): string | undefined {
  try {
    const meta = (JSON.parse(line) as { meta?: { source?: unknown } }).meta;
    return typeof meta?.source === 'string' ? meta.source : undefined;
  } catch {
    return undefined;
  }
}

export async function openResumableJsonl(path: string): Promise<RecordSink> {
  const done = new Set<string>();
  let droppedBytes = 0;
  const exists = await stat(path).then(
    (s) => (s.isDirectory() ? 'directory' : 'file'),
    () => undefined,
  );
  if (exists === 'directory') throw new InputError(path, undefined, 'is a directory; --out needs a file name');
  if (exists) {
    const bytes = await readFile(path);
    const end = bytes.lastIndexOf(0x0a) + 1;
    if (end < bytes.length) {
      droppedBytes = bytes.length - end;
      await truncate(path, end);
    }
    const lines = bytes.subarray(0, end).toString('utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      const source = sourceOf(line);
      if (source === undefined)
        throw new InputError(path, i + 1, 'is not a record this command wrote (no "meta": {"source"}); choose another --out to resume into');
      done.add(source);
    });
  }
  const handle = await open(path, 'a');
  return {
    done,
    droppedBytes,
    async write(record) {
      await handle.write(`${JSON.stringify(record)}\n`);
    },
    close: () => handle.close(),
  };
}

/** Records to a stream (stdout), a whole line per write. */
export function streamSink(stream: { write(text: string): unknown }): RecordSink {
  return {
    done: new Set(),
    droppedBytes: 0,
    async write(record) {
      stream.write(`${JSON.stringify(record)}\n`);
    },
    async close() {},
  };
}
