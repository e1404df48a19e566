// The graph intermediate representation: named values with dtypes and (partly symbolic) shapes, and the
// attributes of ONNX-shaped nodes (the nodes themselves, which carry their op and its VJP, are in graph.ts).
// Shapes are tracked at build time because reverse-mode rules need them to undo broadcasting.

/** onnxruntime's contrib operators (fused kernels such as Gelu), imported at version 1. */
export const MICROSOFT_DOMAIN = 'com.microsoft';

export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';

/** ONNX's TensorProto.DataType code of each dtype (the `to` of Cast, elem_type of tensors). */
export const onnxDataType: Readonly<Record<DType, number>> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float64: 11 };

/** A static size, or the name of a symbolic dimension such as "batch" or "sequence". */
export type Dim = number | string;

export interface Value {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly Dim[];
}

export type AttributeValue =
  | { readonly int: number }
  | { readonly float: number }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly string: string };

export type Attributes = Readonly<Record<string, AttributeValue>>;

export type TensorData = Float32Array | Float64Array | BigInt64Array | Int32Array | Int8Array | Uint8Array;

export interface Initializer {
  readonly value: Value;
  readonly data: TensorData;
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function sameShape(a: readonly Dim[], b: readonly Dim[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function staticSize(shape: readonly Dim[]): number | undefined {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number') return undefined;
    n *= d;
  }
  return n;
}

export function formatShape(shape: readonly Dim[]): string {
  return `[${shape.join(', ')}]`;
}
