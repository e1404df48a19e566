// A file the reference implementation wrote (tools/reference/make_safetensors_fixture.py): our reader must see the
// values torch sees, and our float16/bfloat16 encoders must round exactly as torch does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeFromFloat32 } from '../../../src/core/model/safetensors/dtypes.js';
import { SafetensorsFile } from '../../../src/core/model/safetensors/safetensors.js';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'model');
const expected = JSON.parse(readFileSync(join(FIXTURES, 'python-written.json'), 'utf8')) as Record<
  string,
  { dtype: string; shape: number[]; values: (number | string)[] }
>;

const fromJson = (v: number | string): number => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === 'nan' ? NaN : v === '-0' ? -0 : (v as number));

test('every tensor of the Python-written file reads as torch reads it', async () => {
  const file = await SafetensorsFile.open(join(FIXTURES, 'python-written.safetensors'));
  try {
    assert.deepEqual(file.metadata, { format: 'pt', written_by: 'safetensors.torch.save_file' });
    assert.deepEqual(file.names.sort(), Object.keys(expected).sort());
    for (const [name, want] of Object.entries(expected)) {
      const tensor = await file.readFloat32(name);
      assert.deepEqual(tensor.shape, want.shape, name);
      // f64 values are compared after rounding to float32, the precision our weights keep.
      assert.deepEqual([...tensor.data], [...new Float32Array(want.values.map(fromJson))], name);
    }
  } finally {
    await file.close();
  }
});

test('our float16 and bfloat16 encoders round like torch', async () => {
  const file = await SafetensorsFile.open(join(FIXTURES, 'python-written.safetensors'));
  try {
    for (const set of ['random', 'edges']) {
      const source = (await file.readFloat32(`f32.${set}`)).data;
      assert.deepEqual(encodeFromFloat32('F16', source), await file.readBytes(`f16.${set}`), `f16.${set}`);
      assert.deepEqual(encodeFromFloat32('BF16', source), await file.readBytes(`bf16.${set}`), `bf16.${set}`);
    }
  } finally {
    await file.close();
  }
});
