// Model folders that transformers' save_pretrained wrote (tools/reference/tiny_models.py, committed with the golden
// fixtures): each must load, and every tensor left unread must be a pre-training head or buffer, never an encoder
// weight we silently ignored.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadModelFolder } from '../../../src/core/model/modelFolder.js';
import { SafetensorsFile } from '../../../src/core/model/safetensors/safetensors.js';
import { FAMILY_PREFIX } from '../../../src/core/model/weights.js';
import { skipIfMissing } from '../../helpers/requirements.js';

const GOLDEN = join(__dirname, '..', '..', 'fixtures', 'golden');
const HEADS = /^(cls\.|lm_head\.|vocab_(transform|layer_norm|projector)\.|discriminator_predictions\.|generator_)|\.position_ids$/;

for (const family of ['bert', 'roberta', 'distilbert', 'electra'] as const) {
  const dir = join(GOLDEN, `tiny-${family}`, 'model');
  const skip = skipIfMissing(!existsSync(join(dir, 'model.safetensors')) && `${dir} is absent (written by tools/reference/tiny_models.py)`);
  test(`${family}: the folder save_pretrained wrote loads, leaving only heads unread`, { skip }, async () => {
    const { config, weights } = await loadModelFolder(dir);
    assert.equal(config.model_type, family);
    const file = await SafetensorsFile.open(join(dir, 'model.safetensors'));
    try {
      const prefix = FAMILY_PREFIX[family];
      const unread = file.names.filter((name) => !weights.has(name.startsWith(prefix) ? name.slice(prefix.length) : name));
      assert.deepEqual(
        unread.filter((name) => !HEADS.test(name)),
        [],
      );
      for (const [name, tensor] of weights) {
        const stored = file.tensors.get(prefix + name) ?? file.tensors.get(name);
        assert.deepEqual(tensor.shape, stored?.shape, name);
      }
    } finally {
      await file.close();
    }
  });
}
