// The only Python globals a torch.save'd state dict may name, as JavaScript stand-ins: OrderedDict, the tensor
// rebuilders (which here only record where a tensor's elements lie) and the storage types and dtypes.
import type { Dtype } from '../safetensors/dtypes.js';
import { isGlobal, PyTuple, type PyGlobal, type PyValue } from './unpickler.js';

/** One storage of the archive: data/<key>, `numel` elements of `dtype`. */
export interface StorageRef {
  readonly kind: 'storage';
  readonly key: string;
  readonly dtype: Dtype;
  readonly numel: number;
}

/** What _rebuild_tensor_v2 is given: a view of `size`/`stride` from element `offset` of a storage. */
export interface TensorRef {
  readonly kind: 'tensor';
  readonly storage: StorageRef;
  readonly offset: number;
  readonly size: number[];
  readonly stride: number[];
}

export interface StorageType extends PyGlobal {
  readonly dtype: Dtype;
}

/** torch.<X>Storage -> the dtype of its elements. */
const STORAGE_TYPES: Record<string, Dtype> = {
  FloatStorage: 'F32',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  DoubleStorage: 'F64',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

const DTYPES: Record<string, Dtype> = {
  float32: 'F32',
  float16: 'F16',
  bfloat16: 'BF16',
  float64: 'F64',
  int64: 'I64',
  int32: 'I32',
  int16: 'I16',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
};

export function isStorageType(value: unknown): value is StorageType {
  return isGlobal(value) && typeof (value as { dtype?: unknown }).dtype === 'string';
}

export function isTensorRef(value: unknown): value is TensorRef {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'tensor';
}

function isStorageRef(value: unknown): value is StorageRef {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'storage';
}

/** `fail` must throw a one-line error naming the file. */
export function stateDictGlobals(fail: (problem: string) => never): Map<string, PyGlobal> {
  const globals = new Map<string, PyGlobal>();
  const define = (name: string, call?: (args: readonly PyValue[]) => PyValue, extra: object = {}) => {
    globals.set(name, { kind: 'global', name, ...(call ? { call } : {}), ...extra });
  };
  define('collections.OrderedDict', (args) => {
    if (args.length !== 0) fail('data.pkl builds an OrderedDict from arguments; torch.save writes it empty and fills it');
    return new Map<PyValue, PyValue>();
  });
  define('torch._utils._rebuild_tensor_v2', (args) => rebuildTensor(args, fail));
  define('torch._utils._rebuild_parameter', (args) => {
    if (args.length !== 3 || !isTensorRef(args[0])) fail('data.pkl rebuilds a parameter from something that is not a tensor');
    return args[0];
  });
  for (const [name, dtype] of Object.entries(STORAGE_TYPES)) define(`torch.${name}`, undefined, { dtype });
  for (const [name, dtype] of Object.entries(DTYPES)) define(`torch.${name}`, undefined, { dtype });
  return globals;
}

/** _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]) */
function rebuildTensor(args: readonly PyValue[], fail: (problem: string) => never): TensorRef {
  if (args.length < 6 || args.length > 7) fail(`data.pkl calls _rebuild_tensor_v2 with ${args.length} arguments, expected 6 or 7`);
  const [storage, offset, size, stride, , hooks] = args;
  if (!isStorageRef(storage)) fail('data.pkl rebuilds a tensor from something that is not a storage');
  if (!isCount(offset)) fail('data.pkl rebuilds a tensor at a storage offset that is not a non-negative integer');
  const dims = countTuple(size);
  const steps = countTuple(stride);
  if (!dims || !steps || dims.length !== steps.length)
    fail('data.pkl rebuilds a tensor whose size and stride are not tuples of non-negative integers of one length');
  if (!(hooks instanceof Map) || hooks.size > 0) fail('data.pkl rebuilds a tensor with backward hooks; a state dict has none');
  // The elements the view reaches must lie inside the storage (checked before any byte is read).
  let numel = 1;
  let last = offset;
  for (let d = 0; d < dims.length; d++) {
    numel *= dims[d];
    last += Math.max(dims[d] - 1, 0) * steps[d];
  }
  if (!Number.isSafeInteger(numel) || (numel > 0 && last >= storage.numel) || offset > storage.numel) {
    fail(`data.pkl has a tensor of size [${dims.join(', ')}] at offset ${offset} that reaches past storage ${storage.key} (${storage.numel} elements)`);
  }
  return { kind: 'tensor', storage, offset, size: dims, stride: steps };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function countTuple(value: unknown): number[] | undefined {
  if (!(value instanceof PyTuple) || !value.items.every(isCount)) return undefined;
  return value.items.slice() as number[];
}
