// DeBERTa-v3 and ModernBERT end to end through the real `pasta` command: a tiny random folder of each,
// configured as its base model is (DeBERTa-v3: no absolute positions, log-bucketed relative positions, shared
// position projections, its SentencePiece Unigram tokenizer.json; ModernBERT: hub config form, global attention
// every other layer, a sliding window of 8, no biases, a WordPiece tokenizer, its fused Wqkv and Wi read as row
// ranges of the engine's external weight file); CoNLL imported, one epoch trained, predictions on new text.
// The PASTA slots are the tokenizer's [CLS] and [SEP]. DeBERTa-v3 also as microsoft/deberta-v3-* ship it: spm.model and
// tokenizer_config.json, no tokenizer.json (the same SentencePiece model its tokenizer.json was converted from), and
// weights only in a pytorch_model.bin that torch.save wrote (tools/reference/make_torch_pickle_fixtures.py).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeTinyModel } from '../../helpers/tinyModel.js';
import { runPasta, tempWorkspaces } from './runPasta.js';

const workspace = tempWorkspaces('pasta-cli-families-');

const SENTENCES: [string, string][][] = [
  [
    ['John', 'B-PER'],
    ['Smith', 'I-PER'],
    ['lives', 'O'],
    ['in', 'O'],
    ['London', 'B-LOC'],
    ['.', 'O'],
  ],
  [
    ['Anna', 'B-PER'],
    ['met', 'O'],
    ['Bob', 'B-PER'],
    ['at', 'O'],
    ['the', 'O'],
    ['old', 'O'],
    ['station', 'O'],
    ['in', 'O'],
    ['New', 'B-LOC'],
    ['York', 'I-LOC'],
  ],
  [
    ['Paris', 'B-LOC'],
    ['is', 'O'],
    ['lovely', 'O'],
    ['in', 'O'],
    ['spring', 'O'],
    ['!', 'O'],
  ],
];

function conll(copies: number): string {
  const blocks: string[] = [];
  for (let i = 0; i < copies; i++) for (const sentence of SENTENCES) blocks.push(sentence.map(([w, t]) => `${w}\t${t}`).join('\n'));
  return `${blocks.join('\n\n')}\n`;
}

const FAMILIES = [
  { name: 'DeBERTa-v3 (deberta-v2 graph, SentencePiece Unigram tokenizer)', modelType: 'deberta-v2', layers: 2 },
  { name: 'DeBERTa-v3 as microsoft ships it: spm.model, no tokenizer.json, pytorch_model.bin', modelType: 'deberta-v2', layers: 2, spmModel: true },
  { name: 'ModernBERT (rotary positions, gated MLP, global and sliding-window attention)', modelType: 'modernbert', layers: 3 },
] as const;

const FIXTURES = join(__dirname, '..', '..', 'fixtures');

/**
 * Swaps the tiny model's tokenizer.json for the spm.model it was converted from, with microsoft/deberta-v3-base's
 * tokenizer_config.json, and its model.safetensors for a torch.save'd tiny DeBERTa-v3 (config.json and pytorch_model.bin).
 */
function asShippedByMicrosoft(modelDir: string): void {
  rmSync(join(modelDir, 'tokenizer.json'));
  copyFileSync(join(FIXTURES, 'tokenizers', 'spm-deberta-v3', 'spm.model'), join(modelDir, 'spm.model'));
  writeFileSync(join(modelDir, 'tokenizer_config.json'), '{\n  "do_lower_case": false,\n  "vocab_type": "spm"\n}\n');
  rmSync(join(modelDir, 'model.safetensors'));
  for (const name of ['config.json', 'pytorch_model.bin']) copyFileSync(join(FIXTURES, 'model', 'torch', 'deberta-v3-tiny', name), join(modelDir, name));
}

for (const family of FAMILIES) {
  describe(family.name, () => {
    it('imports, trains one epoch and predicts', async () => {
      const modelDir = (await writeTinyModel(join(workspace(), family.modelType), family.modelType)).dir;
      if ('spmModel' in family) asShippedByMicrosoft(modelDir);
      const ws = workspace({ baseModel: modelDir, hyperparameters: { epochs: 1, batchSize: 4, threads: 1, device: 'cpu' } });
      writeFileSync(join(ws, 'people.conll'), conll(4));
      const imported = runPasta(['import', 'people.conll'], { cwd: ws });
      assert.equal(imported.status, 0, imported.stderr);

      const trained = runPasta(['train'], { cwd: ws });
      assert.equal(trained.status, 0, trained.stderr);
      assert.match(trained.stderr, new RegExp(`base model: .+ \\(${family.modelType}, ${family.layers} layers x 32\\)`));
      assert.match(trained.stdout, /Adapter 'ner' \(best epoch 1\) written to \.pasta\/adapters\/ner\n/);
      const config = JSON.parse(readFileSync(join(ws, '.pasta', 'adapters', 'ner', 'adapter_config.json'), 'utf8'));
      assert.equal(config.base_model_fingerprint.signature.model_type, family.modelType);
      assert.deepEqual(config.special_token_slots, ['[CLS]', '[SEP]']);
      if ('spmModel' in family) {
        const sha256 = createHash('sha256')
          .update(readFileSync(join(modelDir, 'pytorch_model.bin')))
          .digest('hex');
        assert.equal(config.base_model_fingerprint.sha256, `sha256:${sha256}`, 'the fingerprint hashes pytorch_model.bin');
      }

      const predicted = runPasta(['predict', '--text', 'John Smith visited Paris and New York yesterday.'], { cwd: ws });
      assert.equal(predicted.stderr, '');
      assert.equal(predicted.status, 0);
      for (const line of predicted.stdout.trimEnd().split('\n')) assert.match(line, /^text(: no entities|:\d+-\d+\t(PER|LOC)\t[01]\.\d{3}\t".+")$/);
    });
  });
}
