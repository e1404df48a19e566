// The real default encoder, when `npm run fetch-model` has installed it; expected values come from the Python
// reference (safetensors.numpy.load_file on the same file), so this checks our reader against theirs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultModelDir } from '../../../src/core/model/hub/cacheDir.js';
import { fingerprintBaseModel } from '../../../src/core/model/fingerprint.js';
import { loadModelFolder } from '../../../src/core/model/modelFolder.js';
import { withTempDir } from './craftSafetensors.js';
import { defaultModelMissing, skipIfMissing } from '../../helpers/requirements.js';

const dir = defaultModelDir();
const skip = skipIfMissing(defaultModelMissing());

// sha256 of the model.safetensors that scripts/fetch-model.mjs pins.
const MODEL_SHA256 = '53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db';

const sum = (data: Float32Array) => data.reduce((a, b) => a + b, 0);

test('all-MiniLM-L6-v2 loads with the shapes, values and fingerprint the reference sees', { skip }, async () => {
  const { config, weights, files } = await loadModelFolder(dir);
  assert.deepEqual(
    [config.model_type, config.hidden_size, config.num_hidden_layers, config.num_attention_heads, config.intermediate_size, config.vocab_size],
    ['bert', 384, 6, 12, 1536, 30522],
  );
  assert.equal(weights.size, 103, 'embeddings 5 + 6 layers x 16 + pooler 2; the int64 position_ids buffer is not a weight');
  assert.deepEqual(weights.get('embeddings.word_embeddings.weight')!.shape, [30522, 384]);
  assert.deepEqual(weights.get('embeddings.position_embeddings.weight')!.shape, [512, 384]);
  assert.deepEqual(weights.get('encoder.layer.5.intermediate.dense.weight')!.shape, [1536, 384]);
  assert.deepEqual(weights.get('encoder.layer.5.output.dense.weight')!.shape, [384, 1536]);

  const word = weights.get('embeddings.word_embeddings.weight')!.data;
  assert.deepEqual([...word.subarray(101 * 384, 101 * 384 + 3)], [-0.01761939749121666, -0.007600549608469009, 0.047105543315410614]);
  assert.deepEqual(
    [...weights.get('encoder.layer.5.output.LayerNorm.weight')!.data.subarray(0, 3)],
    [0.645970344543457, 0.6747910976409912, 0.6716562509536743],
  );
  assert.ok(Math.abs(sum(word) - 138.05072214923618) < 0.05);
  assert.ok(Math.abs(sum(weights.get('encoder.layer.0.attention.self.query.weight')!.data) - 13.52819408863644) < 0.01);

  await withTempDir(async (cacheDir) => {
    const fingerprint = await fingerprintBaseModel(config, files, { cacheDir });
    assert.equal(fingerprint.sha256, `sha256:${MODEL_SHA256}`);
  });
});
