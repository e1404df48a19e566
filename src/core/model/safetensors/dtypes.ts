// safetensors dtypes: their byte sizes and the conversions to and from float32.
import { endianness } from 'node:os';

/** Every dtype the safetensors format defines, with its size in bytes. */
export const DTYPE_BYTES = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  F8_E4M3: 1,
  F8_E5M2: 1,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
} as const;

export type Dtype = keyof typeof DTYPE_BYTES;

/** The dtypes that decodeToFloat32 reads. Integer tensors are read as numbers too (exact below 2^24). */
export const FLOAT32_READABLE: ReadonlySet<Dtype> = new Set<Dtype>(['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U64', 'U32', 'U16', 'U8', 'BOOL']);

export const FLOAT_DTYPES: ReadonlySet<Dtype> = new Set<Dtype>(['F64', 'F32', 'F16', 'BF16']);

export function isDtype(value: unknown): value is Dtype {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_BYTES, value);
}

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

let float16Table: Float32Array | undefined;

/** All 65,536 half-precision values, so that decoding a half-precision checkpoint is one lookup per element. */
function float16ToFloat32Table(): Float32Array {
  if (float16Table) return float16Table;
  const table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) table[bits] = float16BitsToNumber(bits);
  float16Table = table;
  return table;
}

export function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

const scratch = new DataView(new ArrayBuffer(4));

/** float32 -> float16 bits, rounding to nearest even (as numpy and torch do). */
export function numberToFloat16Bits(value: number): number {
  scratch.setFloat32(0, value);
  const f = scratch.getUint32(0);
  const sign = (f >>> 16) & 0x8000;
  const exponent = (f >>> 23) & 0xff;
  let mantissa = f & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const unbiased = exponent - 127;
  if (unbiased > 15) return sign | 0x7c00;
  if (unbiased >= -14) {
    // Normal half: keep 10 mantissa bits, round the dropped 13 to nearest even; a carry may bump the exponent.
    let half = ((unbiased + 15) << 10) | (mantissa >> 13);
    const dropped = mantissa & 0x1fff;
    if (dropped > 0x1000 || (dropped === 0x1000 && half & 1)) half += 1;
    return sign | half;
  }
  if (unbiased < -25) return sign;
  // Subnormal half: value = m * 2^-24 with the implicit leading one made explicit.
  mantissa |= 0x800000;
  const shift = -unbiased - 14 + 13;
  let half = mantissa >> shift;
  const dropped = mantissa & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  if (dropped > halfway || (dropped === halfway && half & 1)) half += 1;
  return sign | half;
}

/** float32 -> bfloat16 bits, rounding to nearest even. */
export function numberToBFloat16Bits(value: number): number {
  scratch.setFloat32(0, value);
  const f = scratch.getUint32(0);
  if ((f & 0x7f800000) === 0x7f800000 && f & 0x7fffff) return ((f >>> 16) | 0x40) & 0xffff;
  const rounded = f + 0x7fff + ((f >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}

/**
 * Decodes little-endian safetensors bytes into float32. `bytes` must hold exactly count * DTYPE_BYTES[dtype] bytes.
 * For F32 on a little-endian host whose buffer is aligned, the result shares the bytes' memory (no copy).
 */
export function decodeToFloat32(dtype: Dtype, bytes: Uint8Array, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out =
    dtype === 'F32' && LITTLE_ENDIAN_HOST && bytes.byteOffset % 4 === 0 ? new Float32Array(bytes.buffer, bytes.byteOffset, count) : new Float32Array(count);
  switch (dtype) {
    case 'F32':
      if (out.buffer !== bytes.buffer) for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    case 'F16': {
      const table = float16ToFloat32Table();
      for (let i = 0; i < count; i++) out[i] = table[view.getUint16(i * 2, true)];
      return out;
    }
    case 'BF16': {
      const bits = new Uint32Array(out.buffer, out.byteOffset, count);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      return out;
    }
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    case 'I64':
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(i * 8, true));
      return out;
    case 'U64':
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigUint64(i * 8, true));
      return out;
    case 'I32':
      for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true);
      return out;
    case 'U32':
      for (let i = 0; i < count; i++) out[i] = view.getUint32(i * 4, true);
      return out;
    case 'I16':
      for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true);
      return out;
    case 'U16':
      for (let i = 0; i < count; i++) out[i] = view.getUint16(i * 2, true);
      return out;
    case 'I8':
      for (let i = 0; i < count; i++) out[i] = view.getInt8(i);
      return out;
    case 'U8':
    case 'BOOL':
      for (let i = 0; i < count; i++) out[i] = bytes[i];
      return out;
    default:
      throw new Error(`dtype ${dtype} cannot be decoded to float32`);
  }
}

/** float32 values -> little-endian bytes of F32, F16 or BF16. */
export function encodeFromFloat32(dtype: 'F32' | 'F16' | 'BF16', values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * DTYPE_BYTES[dtype]);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    if (dtype === 'F32') view.setFloat32(i * 4, values[i], true);
    else view.setUint16(i * 2, dtype === 'F16' ? numberToFloat16Bits(values[i]) : numberToBFloat16Bits(values[i]), true);
  }
  return bytes;
}
