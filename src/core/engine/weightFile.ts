// The frozen weights written once to a file that the compiled graphs reference as ONNX external data, so
// that no serialised model ever holds the weights in memory and both graphs (training and inference)
// read the same file.
import { open } from 'node:fs/promises';
import type { TensorData } from '../graph/ir';
import type { WeightMap } from '../model/types';

/** Offsets are aligned so that onnxruntime can map the tensors straight from the file. */
const ALIGNMENT = 4096;

export interface WeightFile {
  /** The file's name, relative to the folder of the models that use it. */
  location: string;
  offsets: Map<TensorData, { offset: number; length: number }>;
}

/**
 * Appends the tensors the file lacks (int8 weights quantised when a graph was built), so that the models reference
 * them as external data too instead of carrying them.
 */
export async function appendToWeightFile(path: string, file: WeightFile, tensors: Iterable<TensorData>): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    let position = (await handle.stat()).size;
    for (const data of tensors) {
      if (file.offsets.has(data)) continue;
      position = Math.ceil(position / ALIGNMENT) * ALIGNMENT;
      await handle.write(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 0, data.byteLength, position);
      file.offsets.set(data, { offset: position, length: data.byteLength });
      position += data.byteLength;
    }
  } finally {
    await handle.close();
  }
}

export async function writeWeightFile(path: string, location: string, weights: WeightMap): Promise<WeightFile> {
  const offsets = new Map<TensorData, { offset: number; length: number }>();
  const handle = await open(path, 'w');
  try {
    let position = 0;
    for (const tensor of weights.values()) {
      const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
      position = Math.ceil(position / ALIGNMENT) * ALIGNMENT;
      await handle.write(bytes, 0, bytes.length, position);
      offsets.set(tensor.data, { offset: position, length: bytes.length });
      position += bytes.length;
    }
  } finally {
    await handle.close();
  }
  return { location, offsets };
}
