// pytorch_model.bin files that torch.save wrote (tools/reference/make_torch_pickle_fixtures.py): read without running
// their pickle, they must equal the safetensors of the same weights, and hostile or unsupported ones are refused with
// one line naming the file.
import assert from 'node:assert/strict';
import { copyFile, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../../src/core/data/types.js';
import { openCheckpoint } from '../../../src/core/model/checkpoint.js';
import { loadModelFolder } from '../../../src/core/model/modelFolder.js';
import { decodeToFloat32, encodeFromFloat32 } from '../../../src/core/model/safetensors/dtypes.js';
import { SafetensorsFile } from '../../../src/core/model/safetensors/safetensors.js';
import { openTorchCheckpoint } from '../../../src/core/model/torch/torchCheckpoint.js';
import { withTempDir } from './craftSafetensors.js';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'model', 'torch');
const DEBERTA = join(FIXTURES, 'deberta-v3-tiny');

test('a tiny DeBERTa-v3 pytorch_model.bin (tied embeddings: one shared storage) reads equal to its safetensors', async () => {
  const bin = await openTorchCheckpoint(join(DEBERTA, 'pytorch_model.bin'));
  const reference = await SafetensorsFile.open(join(DEBERTA, 'model.safetensors'));
  try {
    assert.deepEqual(bin.names.slice().sort(), reference.names.sort());
    assert.ok(bin.names.includes('lm_predictions.lm_head.bias') || bin.names.some((n) => n.startsWith('cls.')), bin.names.join(' '));
    for (const name of reference.names) {
      const ours = await bin.readFloat32(name);
      const want = await reference.readFloat32(name);
      assert.deepEqual(ours.shape, want.shape, name);
      assert.deepEqual(ours.data, want.data, name);
      assert.equal(bin.info(name).dtype, 'F32');
    }
  } finally {
    await bin.close();
    await reference.close();
  }
});

test('the same state dict in float16 reads as the float32 weights rounded to half precision', async () => {
  const bin = await openTorchCheckpoint(join(DEBERTA, 'pytorch_model.fp16.bin'));
  const reference = await SafetensorsFile.open(join(DEBERTA, 'model.safetensors'));
  try {
    for (const name of reference.names) {
      const want = (await reference.readFloat32(name)).data;
      assert.equal(bin.info(name).dtype, 'F16');
      assert.deepEqual((await bin.readFloat32(name)).data, decodeToFloat32('F16', encodeFromFloat32('F16', want), want.length), name);
    }
  } finally {
    await bin.close();
    await reference.close();
  }
});

test('a model folder with only pytorch_model.bin loads the weights its safetensors holds, and names the .bin as its weight file', async () => {
  await withTempDir(async (dir) => {
    for (const name of ['config.json', 'pytorch_model.bin']) await copyFile(join(DEBERTA, name), join(dir, name));
    const fromBin = await loadModelFolder(dir);
    await copyFile(join(DEBERTA, 'model.safetensors'), join(dir, 'model.safetensors'));
    const fromSafetensors = await loadModelFolder(dir);
    assert.deepEqual(fromBin.files, [join(dir, 'pytorch_model.bin')]);
    assert.deepEqual(fromSafetensors.files, [join(dir, 'model.safetensors')], 'safetensors stays preferred');
    assert.equal(fromBin.config.model_type, 'deberta-v2');
    assert.deepEqual([...fromBin.weights.keys()], [...fromSafetensors.weights.keys()]);
    for (const [name, tensor] of fromSafetensors.weights) assert.deepEqual(fromBin.weights.get(name), tensor, name);
  });
});

const fromJson = (values: number[]) => new Float32Array(values);

for (const [file, protocol] of [
  ['mixed.bin', 'pickle protocol 2, as torch.save writes by default'],
  ['mixed-protocol4.bin', 'pickle protocol 4: FRAME, MEMOIZE, SHORT_BINUNICODE, STACK_GLOBAL'],
]) {
  test(`float32, float16, bfloat16 and float64 storages, offsets into shared storages, a Parameter, scalars and empty tensors read as torch reads them (${protocol})`, async () => {
    const expected = JSON.parse(await readFile(join(FIXTURES, 'mixed.json'), 'utf8')) as Record<string, { shape: number[]; values: number[] }>;
    const bin = await openTorchCheckpoint(join(FIXTURES, file));
    try {
      assert.deepEqual(bin.names, Object.keys(expected));
      for (const [name, want] of Object.entries(expected)) {
        const tensor = await bin.readFloat32(name);
        assert.deepEqual(tensor.shape, want.shape, name);
        assert.deepEqual(tensor.data, fromJson(want.values), name);
      }
      assert.deepEqual(
        ['f32.row_view', 'f32.narrow', 'f16.matrix', 'bf16.matrix', 'f64.vector'].map((n) => bin.info(n).dtype),
        ['F32', 'F32', 'F16', 'BF16', 'F64'],
      );
      assert.equal(bin.info('f32.row_view').begin, 12 * 4, 'base[2] starts at element 12 of the shared storage');
    } finally {
      await bin.close();
    }
  });
}

async function refusal(path: string, read = false): Promise<string> {
  try {
    const checkpoint = await openTorchCheckpoint(path);
    try {
      if (read) for (const name of checkpoint.names) await checkpoint.readFloat32(name);
    } finally {
      await checkpoint.close();
    }
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    assert.ok(error.message.startsWith(`${path}: `), error.message);
    assert.ok(!/[\n\r]/.test(error.message));
    return error.message;
  }
  assert.fail(`${path} was not refused`);
}

for (const file of ['malicious.bin', 'malicious-protocol4.bin']) {
  test(`a pickle that calls os.system is refused naming the global, and nothing runs (${file})`, async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'pytorch_model.bin');
      await copyFile(join(FIXTURES, file), path);
      await copyFile(join(DEBERTA, 'config.json'), join(dir, 'config.json'));
      const message = await refusal(path);
      assert.match(message, /data\.pkl refers to the global 'posix\.system', which torch\.save does not write for a state dict; refused/);
      await assert.rejects(loadModelFolder(dir), /global 'posix\.system'/);
      assert.equal(existsSync(join(dir, 'pwned.txt')), false);
      assert.equal(existsSync('pwned.txt'), false);
    });
  });
}

test('a non-contiguous view, the legacy format, a big-endian archive and a folder of other weights are refused with the reason', async () => {
  assert.match(await refusal(join(FIXTURES, 'transposed.bin'), true), /tensor 't' is a non-contiguous view \(shape \[4, 3\], stride \[1, 4\]\)/);
  assert.match(await refusal(join(FIXTURES, 'legacy.bin')), /legacy torch\.save format \(PyTorch < 1\.6, not a zip\), which is not read/);
  assert.match(await refusal(join(FIXTURES, 'big-endian.bin')), /saved with byteorder 'big'; only little-endian checkpoints are read/);
  assert.match(await refusal(join(DEBERTA, 'model.safetensors')), /is neither a torch\.save zip archive nor safetensors/);
  await withTempDir(async (dir) => {
    await copyFile(join(FIXTURES, 'transposed.bin'), join(dir, 'pytorch_model.bin'));
    const checkpoint = await openCheckpoint(dir);
    assert.deepEqual(checkpoint.files, [join(dir, 'pytorch_model.bin')]);
    await checkpoint.close();
  });
});
