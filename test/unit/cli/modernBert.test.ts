// ModernBERT end to end through the real `pasta` command: a tiny random ModernBertForMaskedLM folder configured
// as answerdotai/ModernBERT-base is (hub config form, global attention every other layer, a sliding window of 8,
// no biases) with a WordPiece tokenizer; CoNLL imported, one epoch trained, predictions on new text. Its fused
// Wqkv and Wi are read as row ranges of the engine's external weight file, never copied into the graphs.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { writeTinyModel } from '../../helpers/tinyModel.js';
import { runPasta, tempWorkspaces } from './runPasta.js';

const workspace = tempWorkspaces('pasta-cli-modernbert-');
let modelDir: string;

before(async () => {
  modelDir = (await writeTinyModel(join(workspace(), 'modernbert'), 'modernbert')).dir;
});

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

describe('ModernBERT (rotary positions, gated MLP, global and sliding-window attention)', () => {
  it('imports, trains one epoch and predicts', () => {
    const ws = workspace({ baseModel: modelDir, hyperparameters: { epochs: 1, batchSize: 4, threads: 1, device: 'cpu' } });
    writeFileSync(join(ws, 'people.conll'), conll(4));
    const imported = runPasta(['import', 'people.conll'], { cwd: ws });
    assert.equal(imported.status, 0, imported.stderr);

    const trained = runPasta(['train'], { cwd: ws });
    assert.equal(trained.status, 0, trained.stderr);
    assert.match(trained.stderr, /base model: .+ \(modernbert, 3 layers x 32\)/);
    assert.match(trained.stdout, /Adapter 'ner' \(best epoch 1\) written to \.pasta\/adapters\/ner\n/);
    const config = JSON.parse(readFileSync(join(ws, '.pasta', 'adapters', 'ner', 'adapter_config.json'), 'utf8'));
    assert.equal(config.base_model_fingerprint.signature.model_type, 'modernbert');
    assert.deepEqual(config.special_token_slots, ['[CLS]', '[SEP]']);

    const predicted = runPasta(['predict', '--text', 'John Smith visited Paris and New York yesterday.'], { cwd: ws });
    assert.equal(predicted.stderr, '');
    assert.equal(predicted.status, 0);
    for (const line of predicted.stdout.trimEnd().split('\n')) assert.match(line, /^text(: no entities|:\d+-\d+\t(PER|LOC)\t[01]\.\d{3}\t".+")$/);
  });
});
