// Seeded byte mutations of a torch.save archive (its zip structure, its data.pkl and its storages): each must load or
// fail with a one-line InputError naming the file; nothing may hang, throw another exception type, or come back
// larger than the file could hold.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../../src/core/data/types.js';
import { openTorchCheckpoint } from '../../../src/core/model/torch/torchCheckpoint.js';
import { SeededRandom } from '../../helpers/tinyModel.js';
import { withTempDir } from './craftSafetensors.js';

const MUTATIONS = 400;
const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'model', 'torch', 'mixed.bin');

type Mutation = (bytes: Uint8Array, rng: SeededRandom, pickle: { begin: number; end: number }) => Uint8Array;

const int = (rng: SeededRandom, n: number) => Math.floor(rng.uniform() * n);

/** Opcodes and arguments that steer the unpickler elsewhere: globals, memo reads, huge lengths, calls, STOP. */
const PICKLE_SURPRISES = [0x63, 0x52, 0x51, 0x68, 0x6a, 0x72, 0x58, 0x8a, 0x2e, 0x28, 0x74, 0x62, 0x93, 0x81, 0xff, 0x00, 0x7f];

const mutations: Record<string, Mutation> = {
  truncate: (b, rng) => b.subarray(0, int(rng, b.length)),
  flipBytes: (b, rng) => {
    const out = b.slice();
    for (let i = 0, n = 1 + int(rng, 4); i < n; i++) out[int(rng, out.length)] ^= 1 + int(rng, 255);
    return out;
  },
  flipPickleByte: (b, rng, pickle) => {
    const out = b.slice();
    out[pickle.begin + int(rng, pickle.end - pickle.begin)] = int(rng, 256);
    return out;
  },
  pickleOpcode: (b, rng, pickle) => {
    const out = b.slice();
    out[pickle.begin + int(rng, pickle.end - pickle.begin)] = PICKLE_SURPRISES[int(rng, PICKLE_SURPRISES.length)];
    return out;
  },
  pickleDigits: (b, rng, pickle) => {
    // BININT1 arguments: sizes, strides, offsets and element counts.
    const out = b.slice();
    const at = [];
    for (let i = pickle.begin; i < pickle.end - 1; i++) if (b[i] === 0x4b) at.push(i + 1);
    out[at[int(rng, at.length)]] = [0, 1, 2, 5, 11, 24, 200, 255][int(rng, 8)];
    return out;
  },
  zipDirectory: (b, rng) => {
    // The central directory and end record: sizes, offsets, name lengths.
    const out = b.slice();
    const start = b.length - Math.min(b.length, 1200);
    for (let i = 0, n = 1 + int(rng, 3); i < n; i++) out[start + int(rng, b.length - start)] = int(rng, 256);
    return out;
  },
  appendGarbage: (b, rng) => {
    const extra = new Uint8Array(1 + int(rng, 64)).map(() => int(rng, 256));
    const out = new Uint8Array(b.length + extra.length);
    out.set(b);
    out.set(extra, b.length);
    return out;
  },
};

/**
 * data.pkl is the archive's first entry: its bytes follow the 30-byte local header, the name and the extra field,
 * and end at the next zip signature (torch writes the sizes in a data descriptor after the bytes, not in the header).
 */
function pickleRange(bytes: Uint8Array): { begin: number; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const begin = 30 + view.getUint16(26, true) + view.getUint16(28, true);
  let end = begin;
  while (end + 4 <= bytes.length && !(bytes[end] === 0x50 && bytes[end + 1] === 0x4b && (bytes[end + 2] === 3 || bytes[end + 2] === 7))) end++;
  return { begin, end };
}

test(`${MUTATIONS} seeded mutations of a torch.save archive load or fail with a one-line error naming the file`, async (t) => {
  await withTempDir(async (dir) => {
    const original = new Uint8Array(await readFile(FIXTURE));
    const pickle = pickleRange(original);
    assert.equal(Buffer.from(original.subarray(pickle.begin, pickle.begin + 2)).toString('hex'), '8002', 'data.pkl starts with PROTO 2');
    assert.equal(original[pickle.end - 1], 0x2e, 'data.pkl ends with STOP');
    const kinds = Object.keys(mutations);
    const rng = new SeededRandom(20261205);
    const outcomes: Record<string, { loaded: number; refused: number }> = {};
    for (let i = 0; i < MUTATIONS; i++) {
      const kind = kinds[i % kinds.length];
      const mutated = mutations[kind](original, rng, pickle);
      const path = join(dir, `m${i}.bin`);
      await writeFile(path, mutated);
      const outcome = (outcomes[kind] ??= { loaded: 0, refused: 0 });
      try {
        const checkpoint = await openTorchCheckpoint(path);
        let returnedBytes = 0;
        try {
          for (const name of checkpoint.names) returnedBytes += (await checkpoint.readFloat32(name)).data.byteLength;
        } finally {
          await checkpoint.close();
        }
        // Shared storages are read once per tensor (the fixture reads 1,148 float32 bytes out of 3.6 KB); half
        // precision doubles. A mutation can only point views elsewhere inside the storages, never past them.
        assert.ok(returnedBytes <= 4 * mutated.length, `mutation ${i} (${kind}) returned ${returnedBytes} bytes from a ${mutated.length}-byte file`);
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
    for (const kind of ['truncate', 'pickleOpcode', 'zipDirectory']) assert.ok(outcomes[kind].refused > 0, `${kind} never refused`);
  });
});
