// pytorch_model.bin as a Checkpoint: the state dict is unpickled without running anything (see unpickler.ts), each
// tensor's elements are located in its storage, and a tensor is read only when the encoder asks for it.
import type { Checkpoint } from '../checkpoint.js';
import type { Float32Tensor } from '../types.js';
import { DTYPE_BYTES, decodeToFloat32, FLOAT32_READABLE } from '../safetensors/dtypes.js';
import type { TensorInfo } from '../safetensors/safetensorsHeader.js';
import { fileError, quoteName } from '../fileError.js';
import { TorchArchive } from './torchArchive.js';
import { isStorageType, isTensorRef, stateDictGlobals, type StorageRef, type TensorRef } from './stateDictGlobals.js';
import { PyTuple, unpickle, type PyValue } from './unpickler.js';

export const PYTORCH_FILE = 'pytorch_model.bin';

export async function openTorchCheckpoint(path: string): Promise<Checkpoint> {
  const archive = await TorchArchive.open(path);
  try {
    const tensors = await readStateDict(archive);
    return {
      source: path,
      files: [path],
      names: [...tensors.keys()],
      info: (name) => infoOf(path, tensors, name),
      fileOf: () => path,
      readFloat32: (name) => readTensor(archive, infoOf(path, tensors, name), tensors.get(name)!),
      close: async () => archive.close(),
    };
  } catch (error) {
    archive.close();
    throw error;
  }
}

async function readStateDict(archive: TorchArchive): Promise<Map<string, TensorRef>> {
  const { path } = archive;
  const fail: (problem: string) => never = (problem) => {
    throw fileError(path, problem);
  };
  const storages = new Map<string, StorageRef>();
  const root = unpickle(await archive.readPickle(), {
    globals: stateDictGlobals(fail),
    persistentLoad: (pid) => loadStorage(archive, storages, pid, fail),
    fail,
  });
  if (!(root instanceof Map)) fail('data.pkl holds no state dict (a dict of tensors) at its top level');
  const tensors = new Map<string, TensorRef>();
  for (const [name, value] of (root as Map<PyValue, PyValue>).entries()) {
    if (typeof name !== 'string') fail('data.pkl has a state dict key that is not a string');
    if (!isTensorRef(value)) {
      const hint = value instanceof Map ? ' (a nested dict: save model.state_dict() itself)' : '';
      fail(`data.pkl entry ${quoteName(name as string)} is not a tensor${hint}`);
    }
    tensors.set(name as string, value as TensorRef);
  }
  return tensors;
}

/** A persistent id: ('storage', torch.<X>Storage, key, location, numel). One storage may be named many times. */
function loadStorage(archive: TorchArchive, storages: Map<string, StorageRef>, pid: PyValue, fail: (problem: string) => never): StorageRef {
  const items = pid instanceof PyTuple ? pid.items : [];
  const [tag, type, key, location, numel] = items;
  if (items.length !== 5 || tag !== 'storage' || !isStorageType(type) || typeof key !== 'string' || typeof location !== 'string') {
    return fail('data.pkl has a persistent id that is not a torch storage');
  }
  if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) return fail(`data.pkl gives storage ${quoteName(key)} a bad element count`);
  const known = storages.get(key);
  if (known) {
    if (known.dtype !== type.dtype || known.numel !== numel) fail(`data.pkl names storage ${quoteName(key)} twice with different types or sizes`);
    return known;
  }
  const entry = archive.storageEntry(key);
  if (!entry) return fail(`has no ${archive.prefix}/data/${key}, the storage data.pkl names`);
  if (entry.compressionMethod !== 0) fail(`storage ${archive.prefix}/data/${key} is compressed; torch.save stores storages uncompressed`);
  const bytes = numel * DTYPE_BYTES[type.dtype];
  if (entry.uncompressedSize !== bytes) {
    fail(`storage ${archive.prefix}/data/${key} holds ${entry.uncompressedSize} bytes but data.pkl says ${numel} x ${type.name} (${bytes} bytes)`);
  }
  const storage: StorageRef = { kind: 'storage', key, dtype: type.dtype, numel };
  storages.set(key, storage);
  return storage;
}

function infoOf(path: string, tensors: ReadonlyMap<string, TensorRef>, name: string): TensorInfo {
  const tensor = tensors.get(name);
  if (!tensor) throw fileError(path, `has no tensor ${quoteName(name)}`);
  const size = tensor.size.reduce((n, d) => n * d, 1);
  const bytes = DTYPE_BYTES[tensor.storage.dtype];
  // begin/end: the byte range inside the tensor's storage entry (contiguous tensors only; checked when read).
  return { name, dtype: tensor.storage.dtype, shape: tensor.size.slice(), size, begin: tensor.offset * bytes, end: (tensor.offset + size) * bytes };
}

async function readTensor(archive: TorchArchive, info: TensorInfo, tensor: TensorRef): Promise<Float32Tensor> {
  const what = `tensor ${quoteName(info.name)}`;
  if (!FLOAT32_READABLE.has(info.dtype)) throw fileError(archive.path, `${what} has dtype ${info.dtype}, which cannot be read as float32`);
  if (!isContiguous(tensor)) {
    throw fileError(
      archive.path,
      `${what} is a non-contiguous view (shape [${tensor.size.join(', ')}], stride [${tensor.stride.join(', ')}]); save it after .contiguous() or convert the checkpoint to safetensors`,
    );
  }
  const entry = archive.storageEntry(tensor.storage.key)!;
  const bytes = await archive.readRange(entry, info.begin, info.end);
  return { shape: info.shape, data: decodeToFloat32(info.dtype, bytes, info.size) };
}

/** Row-major with no gaps; the stride of a dimension of size 1 is never used, so torch lets it be anything. */
function isContiguous({ size, stride }: TensorRef): boolean {
  if (size.includes(0)) return true;
  let expected = 1;
  for (let d = size.length - 1; d >= 0; d--) {
    if (size[d] !== 1 && stride[d] !== expected) return false;
    expected *= size[d];
  }
  return true;
}
