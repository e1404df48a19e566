// A safetensors reader of our own: the header is validated against the file before anything is allocated, and
// tensors are read one at a time from the open file descriptor, so a 440 MB checkpoint is never held twice.
import { promises as fs } from 'node:fs';
import type { Float32Tensor } from '../types.js';
import { decodeToFloat32, FLOAT32_READABLE } from './dtypes.js';
import { fileError, ioError, quoteName } from '../fileError.js';
import { checkHeaderLength, parseSafetensorsHeader, type TensorInfo } from './safetensorsHeader.js';

/** Node reads at most 2 GiB per call; tensors above that are read in chunks. */
const READ_CHUNK_BYTES = 1 << 30;

export class SafetensorsFile {
  private constructor(
    readonly path: string,
    private handle: fs.FileHandle | undefined,
    /** Byte offset of the data section inside the file. */
    private readonly dataStart: number,
    readonly tensors: ReadonlyMap<string, TensorInfo>,
    readonly metadata: Readonly<Record<string, string>>,
  ) {}

  static async open(path: string): Promise<SafetensorsFile> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(path, 'r');
    } catch (error) {
      throw ioError(path, error);
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw fileError(path, 'is not a regular file');
      const fileBytes = stat.size;
      const prefix = await readExactly(path, handle, Math.min(8, fileBytes), 0);
      const headerBytes = checkHeaderLength(path, prefix, fileBytes);
      const header = await readExactly(path, handle, headerBytes, 8);
      const dataStart = 8 + headerBytes;
      const { tensors, metadata } = parseSafetensorsHeader(path, header, fileBytes - dataStart);
      return new SafetensorsFile(path, handle, dataStart, tensors, metadata);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  get names(): string[] {
    return [...this.tensors.keys()];
  }

  info(name: string): TensorInfo {
    const info = this.tensors.get(name);
    if (!info) throw fileError(this.path, `has no tensor ${quoteName(name)}`);
    return info;
  }

  /** The raw little-endian bytes of one tensor. */
  async readBytes(name: string): Promise<Uint8Array> {
    const info = this.info(name);
    if (!this.handle) throw fileError(this.path, 'was closed before its tensors were read');
    return readExactly(this.path, this.handle, info.end - info.begin, this.dataStart + info.begin);
  }

  /** One tensor as float32 (F32, F16, BF16, F64; integer and bool tensors as their numeric values). */
  async readFloat32(name: string): Promise<Float32Tensor> {
    const info = this.info(name);
    if (!FLOAT32_READABLE.has(info.dtype)) throw fileError(this.path, `tensor ${quoteName(name)} has dtype ${info.dtype}, which cannot be read as float32`);
    const bytes = await this.readBytes(name);
    return { shape: info.shape.slice(), data: decodeToFloat32(info.dtype, bytes, info.size) };
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}

/** Reads exactly `length` bytes at `position`, or fails with a one-line error if the file ends first. */
async function readExactly(path: string, handle: fs.FileHandle, length: number, position: number): Promise<Uint8Array> {
  // Float32 views of F32 tensors share this buffer, so it is its own ArrayBuffer (aligned), never a pooled slice.
  const buffer = new Uint8Array(new ArrayBuffer(length));
  let done = 0;
  while (done < length) {
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(buffer, done, Math.min(READ_CHUNK_BYTES, length - done), position + done));
    } catch (error) {
      throw ioError(path, error);
    }
    if (bytesRead === 0) throw fileError(path, `file ended at byte ${position + done} while reading ${length} bytes at ${position} (changed while open?)`);
    done += bytesRead;
  }
  return buffer;
}
