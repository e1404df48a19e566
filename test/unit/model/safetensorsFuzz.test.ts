// Seeded mutations of a valid file: each must load or fail with a one-line InputError naming the file; nothing may
// hang, throw another exception type, or come back larger than the file could hold.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../../src/core/data/types.js';
import { SafetensorsFile } from '../../../src/core/model/safetensors/safetensors.js';
import { writeSafetensors } from '../../../src/core/model/safetensors/safetensorsWriter.js';
import { SeededRandom } from '../../helpers/tinyModel.js';
import { craftSafetensors, withTempDir } from './craftSafetensors.js';

const MUTATIONS = 400;

type Mutation = (bytes: Uint8Array, rng: SeededRandom) => Uint8Array;

const int = (rng: SeededRandom, n: number) => Math.floor(rng.uniform() * n);

function headerOf(bytes: Uint8Array): { length: number; json: Record<string, Record<string, unknown>>; data: Uint8Array } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return {
    length,
    json: JSON.parse(Buffer.from(bytes.subarray(8, 8 + length)).toString('utf8')),
    data: bytes.subarray(8 + length),
  };
}

const SURPRISES: unknown[] = [-1, 0, 1, 3, 2 ** 31, 2 ** 32 + 4, 2 ** 53, 2 ** 60, 1.5, '8', null, [], {}, 'F32', 'F16', 'BF16', 'I64', 'X9', true];

const mutations: Record<string, Mutation> = {
  truncate: (b, rng) => b.subarray(0, int(rng, b.length)),
  flipBytes: (b, rng) => {
    const out = b.slice();
    for (let i = 0, n = 1 + int(rng, 4); i < n; i++) out[int(rng, out.length)] ^= 1 + int(rng, 255);
    return out;
  },
  flipHeaderByte: (b, rng) => {
    const out = b.slice();
    const { length } = headerOf(b);
    out[8 + int(rng, length)] = int(rng, 256);
    return out;
  },
  lengthPrefix: (b, rng) => {
    const out = b.slice();
    const choices = [0n, 1n, 7n, BigInt(b.length), BigInt(b.length - 8), BigInt(b.length - 9), 2n ** 63n, 2n ** 64n - 1n, BigInt(int(rng, 1 << 30))];
    new DataView(out.buffer).setBigUint64(0, choices[int(rng, choices.length)], true);
    return out;
  },
  appendGarbage: (b, rng) => {
    const extra = new Uint8Array(1 + int(rng, 64)).map(() => int(rng, 256));
    const out = new Uint8Array(b.length + extra.length);
    out.set(b);
    out.set(extra, b.length);
    return out;
  },
  editField: (b, rng) => {
    const { json, data } = headerOf(b);
    const names = Object.keys(json).filter((k) => k !== '__metadata__');
    const entry = json[names[int(rng, names.length)]];
    const field = ['dtype', 'shape', 'data_offsets'][int(rng, 3)];
    const surprise = SURPRISES[int(rng, SURPRISES.length)];
    if (field !== 'dtype' && Array.isArray(entry[field]) && rng.uniform() < 0.7) {
      const list = (entry[field] as unknown[]).slice();
      if (list.length > 0) list[int(rng, list.length)] = surprise;
      else list.push(surprise);
      entry[field] = list;
    } else {
      entry[field] = surprise;
    }
    return craftSafetensors(json, data);
  },
  editMetadata: (b, rng) => {
    const { json, data } = headerOf(b);
    (json as Record<string, unknown>).__metadata__ = [{ a: 1 }, 'x', { a: 'b', c: null }, null, { format: 'pt' }][int(rng, 5)];
    return craftSafetensors(json, data);
  },
  editDigits: (b, rng) => {
    const { length, data } = headerOf(b);
    const text = Buffer.from(b.subarray(8, 8 + length)).toString('utf8');
    const digits = [...text.matchAll(/\d/g)].map((m) => m.index!);
    const at = digits[int(rng, digits.length)];
    const edited = `${text.slice(0, at)}${int(rng, 10)}${rng.uniform() < 0.3 ? '99999999999' : ''}${text.slice(at + 1)}`;
    return craftSafetensors(edited, data);
  },
  dropOrDuplicateKey: (b, rng) => {
    const { json, data } = headerOf(b);
    const names = Object.keys(json).filter((k) => k !== '__metadata__');
    const name = names[int(rng, names.length)];
    if (rng.uniform() < 0.5) delete json[name];
    else json[`${name}.copy`] = { ...json[name] };
    return craftSafetensors(json, data);
  },
};

test(`${MUTATIONS} seeded mutations of a valid file load or fail with a one-line error naming the file`, async (t) => {
  await withTempDir(async (dir) => {
    const valid = join(dir, 'valid.safetensors');
    await writeSafetensors(
      valid,
      {
        'embeddings.word_embeddings.weight': { shape: [5, 4], data: new Float32Array(20).map((_, i) => i / 7) },
        'encoder.layer.0.output.dense.bias': { shape: [4], data: new Float32Array([1, 2, 3, 4]), dtype: 'F16' },
        'pooler.dense.bias': { shape: [2, 2], data: new Float32Array([1, -1, 0.5, 8]), dtype: 'BF16' },
        'embeddings.position_ids': { dtype: 'I64', shape: [1, 3], bytes: new Uint8Array(24) },
        empty: { shape: [0], data: new Float32Array(0) },
      },
      { format: 'pt' },
    );
    const original = new Uint8Array(await readFile(valid));
    const kinds = Object.keys(mutations);
    const rng = new SeededRandom(20261130);
    const outcomes: Record<string, { loaded: number; refused: number }> = {};
    for (let i = 0; i < MUTATIONS; i++) {
      const kind = kinds[i % kinds.length];
      const mutated = mutations[kind](original, rng);
      const path = join(dir, `m${i}.safetensors`);
      await writeFile(path, mutated);
      const outcome = (outcomes[kind] ??= { loaded: 0, refused: 0 });
      try {
        const file = await SafetensorsFile.open(path);
        let returnedBytes = 0;
        try {
          for (const name of file.names) returnedBytes += (await file.readFloat32(name)).data.byteLength;
        } finally {
          await file.close();
        }
        // F16/BF16 double when widened to float32; nothing else can grow.
        assert.ok(returnedBytes <= 2 * mutated.length, `mutation ${i} (${kind}) returned ${returnedBytes} bytes from a ${mutated.length}-byte file`);
        outcome.loaded++;
      } catch (error) {
        if (!(error instanceof InputError)) throw new Error(`mutation ${i} (${kind}) threw ${String(error)}`, { cause: error });
        assert.ok(error.message.startsWith(`${path}: `), `mutation ${i} (${kind}): ${error.message}`);
        assert.ok(!/[\n\r]/.test(error.message), `mutation ${i} (${kind}) message spans lines: ${JSON.stringify(error.message)}`);
        assert.ok(error.message.length < 1200, `mutation ${i} (${kind}) message is ${error.message.length} characters`);
        outcome.refused++;
      }
    }
    t.diagnostic(`outcomes: ${JSON.stringify(outcomes)}`);
    const refused = Object.values(outcomes).reduce((n, o) => n + o.refused, 0);
    assert.ok(refused > MUTATIONS / 2, `most mutations must be refused, ${refused} were`);
    for (const kind of ['truncate', 'lengthPrefix', 'editField']) assert.ok(outcomes[kind].refused > 0, `${kind} never refused`);
  });
});
