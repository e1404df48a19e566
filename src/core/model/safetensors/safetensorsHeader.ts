// Validation of a safetensors header (https://github.com/huggingface/safetensors#format): everything is checked
// against the real file size before a single tensor byte is allocated.
import { DTYPE_BYTES, isDtype, type Dtype } from './dtypes.js';
import { fileError, quoteName } from '../fileError.js';

/** Same cap as the reference implementation: a header is metadata, never hundreds of megabytes. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface TensorInfo {
  name: string;
  dtype: Dtype;
  shape: number[];
  /** Element count (product of the shape). */
  size: number;
  /** Byte range inside the data section, [begin, end). */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  tensors: Map<string, TensorInfo>;
  metadata: Record<string, string>;
}

/** Reads the 8-byte little-endian header length and checks it fits the file. Returns the length in bytes. */
export function checkHeaderLength(file: string, prefix: Uint8Array, fileBytes: number): number {
  if (fileBytes < 8) throw fileError(file, `file is ${fileBytes} bytes, too short for a safetensors header length (8 bytes)`);
  const length = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(fileBytes - 8)) {
    throw fileError(file, `header length ${length} exceeds the file (${fileBytes} bytes); the file is truncated or not safetensors`);
  }
  if (length > BigInt(MAX_HEADER_BYTES)) throw fileError(file, `header length ${length} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (length < 2n) throw fileError(file, `header length ${length} is too short for a JSON object`);
  return Number(length);
}

/** Parses and validates the JSON header; `dataBytes` is the size of the data section that follows it. */
export function parseSafetensorsHeader(file: string, headerBytes: Uint8Array, dataBytes: number): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    throw fileError(file, 'header is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw fileError(file, `header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw fileError(file, 'header is not a JSON object');

  let metadata: Record<string, string> = {};
  const tensors = new Map<string, TensorInfo>();
  for (const [name, entry] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') metadata = parseMetadata(file, entry);
    else tensors.set(name, parseTensorEntry(file, name, entry, dataBytes));
  }
  checkLayout(file, [...tensors.values()], dataBytes);
  return { tensors, metadata };
}

function parseMetadata(file: string, entry: unknown): Record<string, string> {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw fileError(file, '__metadata__ is not a JSON object');
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
    if (typeof value !== 'string') throw fileError(file, `__metadata__ value ${quoteName(key)} is not a string`);
    metadata[key] = value;
  }
  return metadata;
}

function parseTensorEntry(file: string, name: string, entry: unknown, dataBytes: number): TensorInfo {
  const what = `tensor ${quoteName(name)}`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw fileError(file, `${what} is not a JSON object`);
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (!isDtype(dtype)) {
    const shown = typeof dtype === 'string' ? quoteName(dtype) : (JSON.stringify(dtype) ?? 'nothing');
    throw fileError(file, `${what} has unknown dtype ${shown} (expected one of ${Object.keys(DTYPE_BYTES).join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeSafeInteger)) {
    throw fileError(file, `${what} shape must be an array of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeSafeInteger)) {
    throw fileError(file, `${what} data_offsets must be two non-negative integers [begin, end]`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw fileError(file, `${what} data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataBytes) {
    throw fileError(file, `${what} data_offsets [${begin}, ${end}] exceed the data section (${dataBytes} bytes)`);
  }
  // The element count must match the byte range; checked step by step so that absurd shapes never overflow.
  const byteLength = end - begin;
  let size = 1;
  for (const dim of shape as number[]) {
    size *= dim;
    if (size * DTYPE_BYTES[dtype] > byteLength) {
      throw fileError(file, `${what} shape [${shape.join(', ')}] of ${dtype} needs more than the ${byteLength} bytes of its data_offsets [${begin}, ${end}]`);
    }
  }
  if (size * DTYPE_BYTES[dtype] !== byteLength) {
    throw fileError(
      file,
      `${what} shape [${shape.join(', ')}] of ${dtype} needs ${size * DTYPE_BYTES[dtype]} bytes but its data_offsets [${begin}, ${end}] hold ${byteLength}`,
    );
  }
  return { name, dtype, shape: (shape as number[]).slice(), size, begin, end };
}

/** Like the reference implementation: ranges may not overlap and must cover the data section without holes. */
function checkLayout(file: string, tensors: TensorInfo[], dataBytes: number): void {
  const ordered = tensors.slice().sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: TensorInfo | undefined;
  for (const tensor of ordered) {
    if (tensor.begin < covered && previous) {
      throw fileError(
        file,
        `tensor ${quoteName(tensor.name)} data_offsets [${tensor.begin}, ${tensor.end}] overlap tensor ${quoteName(previous.name)} [${previous.begin}, ${previous.end}]`,
      );
    }
    if (tensor.begin > covered) {
      throw fileError(file, `bytes ${covered}..${tensor.begin} of the data section belong to no tensor`);
    }
    covered = tensor.end;
    previous = tensor;
  }
  if (covered !== dataBytes) {
    throw fileError(file, `tensors cover ${covered} of the ${dataBytes} bytes of the data section; the file has trailing bytes or is not safetensors`);
  }
}

function isNonNegativeSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
