import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeToFloat32,
  encodeFromFloat32,
  float16BitsToNumber,
  numberToBFloat16Bits,
  numberToFloat16Bits,
} from '../../../src/core/model/safetensors/dtypes.js';
import { littleEndianUint16 } from './craftSafetensors.js';

// Values worked out by hand from IEEE 754 half precision (1 sign, 5 exponent bits bias 15, 10 mantissa bits).
const FLOAT16_CASES: [number, number][] = [
  [0x0000, 0],
  [0x3c00, 1],
  [0xc000, -2],
  [0x3555, 0.333251953125], // 2^-2 * (1 + 341/1024)
  [0x7bff, 65504], // largest finite
  [0x0400, 2 ** -14], // smallest normal
  [0x0001, 2 ** -24], // smallest subnormal
  [0x03ff, 1023 * 2 ** -24], // largest subnormal
  [0x7c00, Infinity],
  [0xfc00, -Infinity],
  [0x4248, 3.140625],
];

// bfloat16 is the top half of a float32: 0x3f80 -> 0x3f800000 = 1.
const BFLOAT16_CASES: [number, number][] = [
  [0x3f80, 1],
  [0xc000, -2],
  [0x4049, 3.140625],
  [0x3eab, 0.333984375],
  [0x7f7f, 3.3895313892515355e38],
  [0x0001, 9.183549615799121e-41], // smallest subnormal
  [0x7f80, Infinity],
];

test('float16 bits decode to the hand-computed values', () => {
  const decoded = decodeToFloat32('F16', littleEndianUint16(FLOAT16_CASES.map(([b]) => b)), FLOAT16_CASES.length);
  FLOAT16_CASES.forEach(([bits, value], i) => {
    assert.equal(decoded[i], value, `0x${bits.toString(16)}`);
    assert.equal(float16BitsToNumber(bits), value);
  });
  assert.ok(Object.is(decodeToFloat32('F16', littleEndianUint16([0x8000]), 1)[0], -0));
  assert.ok(Number.isNaN(decodeToFloat32('F16', littleEndianUint16([0x7e00]), 1)[0]));
});

test('bfloat16 bits decode to the hand-computed values', () => {
  const decoded = decodeToFloat32('BF16', littleEndianUint16(BFLOAT16_CASES.map(([b]) => b)), BFLOAT16_CASES.length);
  BFLOAT16_CASES.forEach(([bits, value], i) => assert.equal(decoded[i], value, `0x${bits.toString(16)}`));
  assert.ok(Number.isNaN(decodeToFloat32('BF16', littleEndianUint16([0x7fc0]), 1)[0]));
});

test('float32 -> float16 rounds to nearest even, overflows to infinity, keeps subnormals', () => {
  for (const [bits, value] of FLOAT16_CASES) assert.equal(numberToFloat16Bits(value), bits, String(value));
  assert.equal(numberToFloat16Bits(1 + 2 ** -11), 0x3c00); // halfway between 1 and 1+2^-10: even is 1
  assert.equal(numberToFloat16Bits(1 + 3 * 2 ** -11), 0x3c02); // halfway, rounds up to even
  assert.equal(numberToFloat16Bits(65520), 0x7c00); // halfway above the largest finite -> infinity
  assert.equal(numberToFloat16Bits(2 ** -25), 0x0000); // halfway to the smallest subnormal -> 0 (even)
  assert.equal(numberToFloat16Bits(1.5 * 2 ** -25), 0x0001);
  assert.equal(numberToFloat16Bits(-0), 0x8000);
  assert.equal(numberToFloat16Bits(NaN) & 0x7e00, 0x7e00);
});

test('float32 -> bfloat16 rounds to nearest even', () => {
  assert.equal(numberToBFloat16Bits(1), 0x3f80);
  assert.equal(numberToBFloat16Bits(Math.PI), 0x4049);
  assert.equal(numberToBFloat16Bits(1 + 2 ** -8), 0x3f80); // halfway: even
  assert.equal(numberToBFloat16Bits(1 + 3 * 2 ** -8), 0x3f82); // halfway: up to even
  assert.equal(numberToBFloat16Bits(-Infinity), 0xff80);
});

test('every float16 value survives float16 -> float32 -> float16', () => {
  for (let bits = 0; bits < 0x10000; bits++) {
    const exponent = (bits >> 10) & 0x1f;
    if (exponent === 0x1f && bits & 0x3ff) continue; // NaN payloads are not preserved
    assert.equal(numberToFloat16Bits(float16BitsToNumber(bits)), bits);
  }
});

test('encode then decode is exact for values representable in the target dtype', () => {
  const values = new Float32Array([0, 1, -2, 0.5, 3.140625, 2048, -0.25, 2 ** -14]);
  for (const dtype of ['F32', 'F16', 'BF16'] as const) {
    const bytes = encodeFromFloat32(dtype, values);
    assert.deepEqual(decodeToFloat32(dtype, bytes, values.length), values, dtype);
  }
});

test('integer dtypes decode to their numeric values', () => {
  const i64 = new DataView(new ArrayBuffer(16));
  i64.setBigInt64(0, -5n, true);
  i64.setBigInt64(8, 511n, true);
  assert.deepEqual([...decodeToFloat32('I64', new Uint8Array(i64.buffer), 2)], [-5, 511]);
  assert.deepEqual([...decodeToFloat32('I8', new Uint8Array([0xff, 7]), 2)], [-1, 7]);
  assert.deepEqual([...decodeToFloat32('BOOL', new Uint8Array([1, 0]), 2)], [1, 0]);
});
