import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAdapterConfig } from '../../../src/core/adapter/index.js';
import { modelCard } from '../../../src/extension/training/modelCard.js';

const fingerprint = {
  sha256: `sha256:${'a'.repeat(64)}`,
  signature: { model_type: 'bert', hidden_size: 384, num_hidden_layers: 6, num_attention_heads: 12, vocab_size: 30522 },
} as const;

test('the model card names labels, base model and fingerprints, dev metrics and the CLI', () => {
  const config = createAdapterConfig({
    task: 'TOKEN_CLS',
    baseModel: 'all-MiniLM-L6-v2',
    fingerprint: { ...fingerprint, signature: { ...fingerprint.signature } },
    specialTokenSlots: ['[CLS]', '[SEP]'],
    labels: ['person', 'a|b'],
    trainingDataFingerprint: `sha256:${'b'.repeat(64)}`,
    metrics: {
      dev: { overall: { precision: 0.5, recall: 0.25, f1: 1 / 3 }, person: { precision: 0.5, recall: 0.25, f1: 1 / 3, support: 4 } },
      best_epoch: 3,
      epochs_run: 5,
    },
    hyperparameters: { epochs: 5, learningRate: 0.003 },
    created: new Date('2026-01-02T03:04:05Z'),
  });
  const card = modelCard('news-ner', config, 40_960);
  assert.match(card, /^# news-ner\n/);
  assert.match(card, /40\.0 KB/);
  assert.match(card, /`person`, `a\|b`/);
  assert.match(card, /`all-MiniLM-L6-v2` \(bert, 6 layers × 384/);
  assert.match(card, new RegExp(`fingerprint \`sha256:${'a'.repeat(64)}\``));
  assert.match(card, new RegExp(`fingerprint \`sha256:${'b'.repeat(64)}\``));
  assert.match(card, /\| person \| 50\.0 \| 25\.0 \| 33\.3 \| 4 \|/);
  assert.match(card, /\| \*\*micro avg\*\* \| \*\*50\.0\*\* \| \*\*25\.0\*\* \| \*\*33\.3\*\* \| \|/);
  assert.match(card, /Best epoch 3 of 5 run/);
  assert.match(card, /npx pasta predict --adapter news-ner path\/to\/file\.txt/);
  assert.match(card, /epochs 5, learningRate 0\.003/);
});

test('an adapter without dev metrics says so', () => {
  const config = createAdapterConfig({
    task: 'SEQ_CLS',
    baseModel: '/models/bert',
    fingerprint: { ...fingerprint, signature: { ...fingerprint.signature } },
    specialTokenSlots: ['[CLS]', '[SEP]'],
    labels: ['ham', 'spam'],
    trainingDataFingerprint: `sha256:${'c'.repeat(64)}`,
  });
  const card = modelCard('spam', config, 2048);
  assert.match(card, /Text classification: `ham`, `spam`/);
  assert.match(card, /No dev metrics were recorded/);
});
