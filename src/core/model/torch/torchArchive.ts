// The zip that torch.save (PyTorch >= 1.6) writes: <archive>/data.pkl, <archive>/data/<key> (one storage's raw bytes
// each), <archive>/byteorder and a few bookkeeping entries. torch stores every entry uncompressed, so a tensor's
// bytes are read straight from its range of the file; compressed entries are refused rather than inflated.
import { promises as fs } from 'node:fs';
import * as yauzl from 'yauzl';
import { fileError, ioError, quoteName } from '../fileError.js';
import { InputError } from '../../data/types.js';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
/** Pickle's PROTO opcode: the legacy (pre-1.6) format is a bare sequence of pickles. */
const PICKLE_PROTO = 0x80;
/** A state dict's pickle is kilobytes (deberta-v3-large's: about 60 KB); anything near this is not one. */
const MAX_PICKLE_BYTES = 64 * 1024 * 1024;

export class TorchArchive {
  private constructor(
    readonly path: string,
    private readonly zip: yauzl.ZipFile,
    /** The archive's folder name: "archive" since PyTorch 1.13, the file's stem before. */
    readonly prefix: string,
    private readonly entries: ReadonlyMap<string, yauzl.Entry>,
  ) {}

  static async open(path: string): Promise<TorchArchive> {
    await checkMagic(path);
    let zip: yauzl.ZipFile;
    try {
      zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true });
    } catch (error) {
      throw fileError(path, `is not a readable zip archive (${(error as Error).message})`);
    }
    try {
      const entries = new Map<string, yauzl.Entry>();
      try {
        for await (const entry of zip.eachEntry()) entries.set(entry.fileName, entry);
      } catch (error) {
        throw fileError(path, `has a damaged zip directory (${(error as Error).message})`);
      }
      const pickles = [...entries.keys()].filter((name) => /^[^/]+\/data\.pkl$/.test(name));
      if (pickles.length !== 1) {
        throw fileError(path, `is a zip archive but not a torch.save one: it has ${pickles.length} <archive>/data.pkl entries, expected 1`);
      }
      const archive = new TorchArchive(path, zip, pickles[0].slice(0, -'/data.pkl'.length), entries);
      await archive.checkByteOrder();
      return archive;
    } catch (error) {
      zip.close();
      throw error;
    }
  }

  /** The pickled object (the state dict). */
  async readPickle(): Promise<Uint8Array> {
    const entry = this.entry('data.pkl');
    if (entry.uncompressedSize > MAX_PICKLE_BYTES) throw fileError(this.path, `data.pkl is ${entry.uncompressedSize} bytes, too large for a state dict`);
    return this.readRange(entry, 0, entry.uncompressedSize);
  }

  /** The entry of storage `key`, or undefined when the archive lacks it. */
  storageEntry(key: string): yauzl.Entry | undefined {
    return this.entries.get(`${this.prefix}/data/${key}`);
  }

  /** Bytes [begin, end) of an entry, into a buffer of their own (float32 views may share it). */
  async readRange(entry: yauzl.Entry, begin: number, end: number): Promise<Uint8Array> {
    const out = new Uint8Array(new ArrayBuffer(end - begin));
    if (end === begin) return out;
    let done = 0;
    try {
      const stream = await this.zip.openReadStreamPromise(entry, { start: begin, end });
      for await (const chunk of stream) {
        const bytes = chunk as Buffer;
        if (done + bytes.length > out.length) throw new Error(`more than ${out.length} bytes`);
        out.set(bytes, done);
        done += bytes.length;
      }
    } catch (error) {
      if (error instanceof InputError) throw error;
      if ((error as NodeJS.ErrnoException).syscall) throw ioError(this.path, error);
      throw fileError(this.path, `entry ${quoteName(entry.fileName)} cannot be read (${(error as Error).message})`);
    }
    if (done !== out.length) throw fileError(this.path, `entry ${quoteName(entry.fileName)} ended after ${done} of ${out.length} bytes`);
    return out;
  }

  close(): void {
    this.zip.close();
  }

  private entry(name: string): yauzl.Entry {
    const entry = this.entries.get(`${this.prefix}/${name}`);
    if (!entry) throw fileError(this.path, `has no ${this.prefix}/${name}`);
    if (entry.compressionMethod !== 0)
      throw fileError(this.path, `entry ${quoteName(entry.fileName)} is compressed; torch.save stores its entries uncompressed`);
    return entry;
  }

  /** Archives before PyTorch 1.10 have no byteorder entry; they were written little-endian. */
  private async checkByteOrder(): Promise<void> {
    if (!this.entries.has(`${this.prefix}/byteorder`)) return;
    const entry = this.entry('byteorder');
    if (entry.uncompressedSize > 16) throw fileError(this.path, `${this.prefix}/byteorder is ${entry.uncompressedSize} bytes, expected "little" or "big"`);
    const order = Buffer.from(await this.readRange(entry, 0, entry.uncompressedSize)).toString('latin1');
    if (order !== 'little') throw fileError(this.path, `was saved with byteorder ${quoteName(order)}; only little-endian checkpoints are read`);
  }
}

async function checkMagic(path: string): Promise<void> {
  const head = new Uint8Array(4);
  let read: number;
  try {
    const handle = await fs.open(path, 'r');
    try {
      if (!(await handle.stat()).isFile()) throw fileError(path, 'is not a regular file');
      ({ bytesRead: read } = await handle.read(head, 0, 4, 0));
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw ioError(path, error);
  }
  if (read === 4 && ZIP_MAGIC.every((byte, i) => head[i] === byte)) return;
  if (read > 0 && head[0] === PICKLE_PROTO) {
    throw fileError(
      path,
      'is in the legacy torch.save format (PyTorch < 1.6, not a zip), which is not read: re-save it with a newer PyTorch or convert it to safetensors',
    );
  }
  throw fileError(path, 'is neither a torch.save zip archive nor safetensors');
}
