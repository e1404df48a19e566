// Writes safetensors files atomically (temp file in the same folder, fsync, rename): a reader, or a crash, never
// sees a half-written adapter.
import { writeFileAtomic } from '../../util/atomicWrite.js';
import type { Float32Tensor } from '../types.js';
import { DTYPE_BYTES, encodeFromFloat32, type Dtype } from './dtypes.js';

/** A tensor already encoded as little-endian bytes of `dtype` (e.g. F16 test data, I64 ids). */
export interface EncodedTensor {
  dtype: Dtype;
  shape: number[];
  bytes: Uint8Array;
}

/** Float32 tensors are written as F32 unless `dtype` asks for F16 or BF16 (rounded to nearest even). */
export type TensorToWrite = (Float32Tensor & { dtype?: 'F32' | 'F16' | 'BF16' }) | EncodedTensor;

export type TensorsToWrite = Map<string, TensorToWrite> | Record<string, TensorToWrite>;

interface PreparedTensor {
  name: string;
  dtype: Dtype;
  shape: number[];
  bytes: Uint8Array;
}

export async function writeSafetensors(path: string, tensors: TensorsToWrite, metadata: Record<string, string> = {}): Promise<void> {
  const prepared = prepare(tensors);
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') throw new TypeError(`writeSafetensors: metadata ${JSON.stringify(key)} is not a string`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const tensor of prepared) {
    header[tensor.name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + tensor.bytes.length] };
    offset += tensor.bytes.length;
  }
  // Pad the header with spaces to a multiple of 8 so that the data section starts aligned, as the reference does.
  let headerText = JSON.stringify(header);
  headerText += ' '.repeat((8 - (Buffer.byteLength(headerText) % 8)) % 8);
  const headerBytes = Buffer.from(headerText, 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(headerBytes.length));

  await writeFileAtomic(path, [prefix, headerBytes, ...prepared.map((t) => t.bytes)]);
}

/** Larger elements first, then by name: aligned data and byte-identical files for identical tensors. */
function prepare(tensors: TensorsToWrite): PreparedTensor[] {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const prepared = entries.map(([name, tensor]): PreparedTensor => {
    if (name === '__metadata__' || name === '') throw new TypeError(`writeSafetensors: invalid tensor name ${JSON.stringify(name)}`);
    const size = tensor.shape.reduce((a, b) => a * b, 1);
    if (!tensor.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      throw new TypeError(`writeSafetensors: tensor ${JSON.stringify(name)} has an invalid shape [${tensor.shape.join(', ')}]`);
    if ('bytes' in tensor) {
      if (tensor.bytes.length !== size * DTYPE_BYTES[tensor.dtype]) {
        throw new TypeError(
          `writeSafetensors: tensor ${JSON.stringify(name)} has ${tensor.bytes.length} bytes, shape [${tensor.shape.join(', ')}] of ${tensor.dtype} needs ${size * DTYPE_BYTES[tensor.dtype]}`,
        );
      }
      return { name, dtype: tensor.dtype, shape: tensor.shape.slice(), bytes: tensor.bytes };
    }
    if (tensor.data.length !== size) {
      throw new TypeError(
        `writeSafetensors: tensor ${JSON.stringify(name)} has ${tensor.data.length} values, shape [${tensor.shape.join(', ')}] needs ${size}`,
      );
    }
    const dtype = tensor.dtype ?? 'F32';
    return { name, dtype, shape: tensor.shape.slice(), bytes: encodeFromFloat32(dtype, tensor.data) };
  });
  return prepared.sort((a, b) => DTYPE_BYTES[b.dtype] - DTYPE_BYTES[a.dtype] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
