import assert from 'node:assert/strict';
import { readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../../src/core/data/types.js';
import { SafetensorsFile } from '../../../src/core/model/safetensors/safetensors.js';
import { MAX_HEADER_BYTES } from '../../../src/core/model/safetensors/safetensorsHeader.js';
import { writeSafetensors } from '../../../src/core/model/safetensors/safetensorsWriter.js';
import { craftSafetensors, littleEndianUint16, withTempDir, writeBytes } from './craftSafetensors.js';

async function expectError(dir: string, bytes: Uint8Array, pattern: RegExp): Promise<void> {
  await expectErrorAt(await writeBytes(dir, 'model.safetensors', bytes), pattern);
}

async function expectErrorAt(path: string, pattern: RegExp): Promise<void> {
  await assert.rejects(
    async () => {
      const file = await SafetensorsFile.open(path);
      try {
        for (const name of file.names) await file.readFloat32(name);
      } finally {
        await file.close();
      }
    },
    (error: unknown) => {
      assert.ok(error instanceof InputError, `expected InputError, got ${String(error)}`);
      assert.ok(error.message.startsWith(`${path}: `), error.message);
      assert.ok(!error.message.includes('\n'), 'one line');
      assert.match(error.message, pattern);
      return true;
    },
  );
}

const f32 = (n: number) => new Uint8Array(n * 4);

test('write then read: shapes, values, metadata, F16/BF16/I64, empty tensors', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'adapter_model.safetensors');
    const a = { shape: [2, 3], data: new Float32Array([1, -2, 3.5, 0, 1e-7, -1e30]) };
    const half = { shape: [3], data: new Float32Array([1, 0.333251953125, -65504]), dtype: 'F16' as const };
    const brain = { shape: [2], data: new Float32Array([3.140625, -0.5]), dtype: 'BF16' as const };
    const ids = new DataView(new ArrayBuffer(16));
    ids.setBigInt64(8, 7n, true);
    await writeSafetensors(
      path,
      {
        'pasta.vectors': a,
        half,
        brain,
        position_ids: { dtype: 'I64', shape: [1, 2], bytes: new Uint8Array(ids.buffer) },
        empty: { shape: [0, 4], data: new Float32Array(0) },
        scalar: { shape: [], data: new Float32Array([42]) },
      },
      { format: 'pt', created: '2026-11-30' },
    );

    const file = await SafetensorsFile.open(path);
    try {
      assert.deepEqual(file.metadata, { format: 'pt', created: '2026-11-30' });
      assert.deepEqual(file.names.sort(), ['brain', 'empty', 'half', 'pasta.vectors', 'position_ids', 'scalar']);
      assert.equal(file.info('half').dtype, 'F16');
      assert.deepEqual(await file.readFloat32('pasta.vectors'), { shape: [2, 3], data: a.data });
      assert.deepEqual([...(await file.readFloat32('half')).data], [1, 0.333251953125, -65504]);
      assert.deepEqual([...(await file.readFloat32('brain')).data], [3.140625, -0.5]);
      assert.deepEqual(await file.readFloat32('position_ids'), { shape: [1, 2], data: new Float32Array([0, 7]) });
      assert.deepEqual(await file.readFloat32('empty'), { shape: [0, 4], data: new Float32Array(0) });
      assert.deepEqual(await file.readFloat32('scalar'), { shape: [], data: new Float32Array([42]) });
      await assert.rejects(file.readFloat32('nope'), /has no tensor 'nope'/);
    } finally {
      await file.close();
    }
    assert.deepEqual(await readdir(dir), ['adapter_model.safetensors'], 'no temp file left behind');
  });
});

test('the writer is deterministic and its header is 8-byte aligned JSON', async () => {
  await withTempDir(async (dir) => {
    const tensors = { b: { shape: [1], data: new Float32Array([2]) }, a: { shape: [1], data: new Float32Array([1]) } };
    await writeSafetensors(join(dir, 'one.safetensors'), tensors);
    await writeSafetensors(
      join(dir, 'two.safetensors'),
      new Map([
        ['a', tensors.a],
        ['b', tensors.b],
      ]),
    );
    const one = await readFile(join(dir, 'one.safetensors'));
    assert.deepEqual(one, await readFile(join(dir, 'two.safetensors')));
    const headerLength = Number(one.readBigUInt64LE(0));
    assert.equal(headerLength % 8, 0);
    assert.deepEqual(Object.keys(JSON.parse(one.subarray(8, 8 + headerLength).toString())), ['a', 'b']);
  });
});

test('the writer replaces an existing file whole and refuses inconsistent tensors', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'x.safetensors');
    await writeFile(path, 'old');
    await writeSafetensors(path, { v: { shape: [2], data: new Float32Array([1, 2]) } });
    const file = await SafetensorsFile.open(path);
    assert.deepEqual([...(await file.readFloat32('v')).data], [1, 2]);
    await file.close();
    await assert.rejects(writeSafetensors(path, { v: { shape: [3], data: new Float32Array([1, 2]) } }), /has 2 values, shape \[3\] needs 3/);
    await assert.rejects(writeSafetensors(path, { __metadata__: { shape: [1], data: new Float32Array([1]) } }), /invalid tensor name/);
    assert.deepEqual(await readdir(dir), ['x.safetensors']);
  });
});

test('a file too short for the length prefix', async () => {
  await withTempDir(async (dir) => expectError(dir, new Uint8Array(5), /file is 5 bytes, too short/));
});

test('an empty file', async () => {
  await withTempDir(async (dir) => expectError(dir, new Uint8Array(0), /file is 0 bytes/));
});

test('a header length beyond the end of the file', async () => {
  await withTempDir(async (dir) => expectError(dir, craftSafetensors('{}', 0, 1000n), /header length 1000 exceeds the file \(10 bytes\)/));
});

test('a header length of 2^64-1 does not allocate', async () => {
  await withTempDir(async (dir) => expectError(dir, craftSafetensors('{}', 0, 2n ** 64n - 1n), /header length 18446744073709551615 exceeds the file/));
});

test('a header length above the 100 MB cap', async () => {
  await withTempDir(async (dir) => {
    // A sparse file: big enough to hold the declared header, which must be refused before it is read.
    const path = await writeBytes(dir, 'model.safetensors', craftSafetensors('{}', 0, BigInt(MAX_HEADER_BYTES + 8)));
    await truncate(path, MAX_HEADER_BYTES + 64);
    await expectErrorAt(path, /exceeds the 100000000-byte limit/);
  });
});

test('a truncated file (data section shorter than the offsets)', async () => {
  await withTempDir(async (dir) => {
    const full = craftSafetensors({ x: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, f32(4));
    await expectError(dir, full.subarray(0, full.length - 3), /tensor 'x' data_offsets \[0, 16\] exceed the data section \(13 bytes\)/);
  });
});

test('header bytes that are not JSON', async () => {
  await withTempDir(async (dir) => expectError(dir, craftSafetensors('{"x": {"dtype": "F32",\n oops'), /header is not valid JSON/));
});

test('header bytes that are not UTF-8', async () => {
  await withTempDir(async (dir) => {
    const bytes = craftSafetensors('{ }');
    bytes[9] = 0xff;
    await expectError(dir, bytes, /header is not valid UTF-8/);
  });
});

test('a header that is JSON but not an object', async () => {
  await withTempDir(async (dir) => expectError(dir, craftSafetensors('[1, 2]'), /header is not a JSON object/));
  await withTempDir(async (dir) => expectError(dir, craftSafetensors('null'), /header is not a JSON object/));
});

test('an unknown dtype', async () => {
  await withTempDir(async (dir) =>
    expectError(
      dir,
      craftSafetensors({ x: { dtype: 'Q4', shape: [1], data_offsets: [0, 1] } }, 1),
      /tensor 'x' has unknown dtype 'Q4' \(expected one of F64, F32/,
    ),
  );
  await withTempDir(async (dir) => expectError(dir, craftSafetensors({ x: { shape: [1], data_offsets: [0, 1] } }, 1), /tensor 'x' has unknown dtype nothing/));
});

test('a dtype the format knows but float32 cannot hold', async () => {
  await withTempDir(async (dir) =>
    expectError(
      dir,
      craftSafetensors({ x: { dtype: 'F8_E4M3', shape: [2], data_offsets: [0, 2] } }, 2),
      /tensor 'x' has dtype F8_E4M3, which cannot be read as float32/,
    ),
  );
});

test('shapes that are not arrays of non-negative integers', async () => {
  for (const shape of [[-1], [1.5], '4', [2 ** 53], null, [[2]]]) {
    await withTempDir(async (dir) =>
      expectError(dir, craftSafetensors({ x: { dtype: 'F32', shape, data_offsets: [0, 4] } }, 4), /tensor 'x' shape must be an array of non-negative integers/),
    );
  }
});

test('an absurd shape (2^40 elements) is refused without allocating', async () => {
  await withTempDir(async (dir) =>
    expectError(
      dir,
      craftSafetensors({ x: { dtype: 'F32', shape: [2 ** 20, 2 ** 20], data_offsets: [0, 16] } }, 16),
      /tensor 'x' shape \[1048576, 1048576\] of F32 needs more than the 16 bytes/,
    ),
  );
  await withTempDir(async (dir) =>
    expectError(
      dir,
      craftSafetensors({ x: { dtype: 'F64', shape: [2 ** 26, 2 ** 26, 2 ** 26, 2 ** 26], data_offsets: [0, 8] } }, 8),
      /needs more than the 8 bytes/,
    ),
  );
});

test('a shape whose bytes do not match its data_offsets', async () => {
  await withTempDir(async (dir) =>
    expectError(
      dir,
      craftSafetensors({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 16] } }, 16),
      /tensor 'x' shape \[3\] of F32 needs 12 bytes but its data_offsets \[0, 16\] hold 16/,
    ),
  );
});

test('data_offsets out of range, reversed, or malformed', async () => {
  await withTempDir(async (dir) =>
    expectError(
      dir,
      craftSafetensors({ x: { dtype: 'F32', shape: [25], data_offsets: [0, 100] } }, 64),
      /tensor 'x' data_offsets \[0, 100\] exceed the data section \(64 bytes\)/,
    ),
  );
  await withTempDir(async (dir) =>
    expectError(dir, craftSafetensors({ x: { dtype: 'F32', shape: [0], data_offsets: [8, 4] } }, 8), /data_offsets \[8, 4\] end before they begin/),
  );
  await withTempDir(async (dir) =>
    expectError(dir, craftSafetensors({ x: { dtype: 'F32', shape: [1], data_offsets: [0] } }, 4), /data_offsets must be two non-negative integers/),
  );
  await withTempDir(async (dir) =>
    expectError(dir, craftSafetensors({ x: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }, 4), /data_offsets must be two non-negative integers/),
  );
});

test('overlapping tensors', async () => {
  const header = {
    a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] },
    b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] },
  };
  await withTempDir(async (dir) => expectError(dir, craftSafetensors(header, 16), /tensor 'b' data_offsets \[8, 16\] overlap tensor 'a' \[0, 16\]/));
});

test('holes and trailing bytes in the data section', async () => {
  await withTempDir(async (dir) =>
    expectError(dir, craftSafetensors({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), /bytes 0\.\.4 of the data section belong to no tensor/),
  );
  await withTempDir(async (dir) =>
    expectError(dir, craftSafetensors({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 12), /tensors cover 4 of the 12 bytes/),
  );
});

test('__metadata__ must be a map of strings', async () => {
  await withTempDir(async (dir) => expectError(dir, craftSafetensors({ __metadata__: { version: 3 } }), /__metadata__ value 'version' is not a string/));
  await withTempDir(async (dir) => expectError(dir, craftSafetensors({ __metadata__: 'x' }), /__metadata__ is not a JSON object/));
});

test('names with newlines or huge lengths stay on one bounded line', async () => {
  const name = `evil\nname${'x'.repeat(5000)}`;
  await withTempDir(async (dir) => expectError(dir, craftSafetensors({ [name]: { dtype: 'Q4', shape: [], data_offsets: [0, 0] } }), /tensor 'evil\\nnamexxx/));
});

test('a missing file and a folder give one-line errors', async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(SafetensorsFile.open(join(dir, 'absent.safetensors')), {
      name: 'InputError',
      message: `${join(dir, 'absent.safetensors')}: not found`,
    });
    await assert.rejects(SafetensorsFile.open(dir), (error: Error) => error instanceof InputError && error.message.startsWith(`${dir}: `));
  });
});

test('a header padded with spaces, as the reference writes it, is accepted', async () => {
  await withTempDir(async (dir) => {
    const bytes = craftSafetensors(`${JSON.stringify({ x: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } })}      `, littleEndianUint16([0x3c00, 0xc000]));
    const file = await SafetensorsFile.open(await writeBytes(dir, 'm.safetensors', bytes));
    assert.deepEqual([...(await file.readFloat32('x')).data], [1, -2]);
    await file.close();
  });
});
