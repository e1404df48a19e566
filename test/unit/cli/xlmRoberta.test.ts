// XLM-RoBERTa end to end through the real `pasta` command: a tiny random XLMRobertaModel folder with a
// SentencePiece Unigram tokenizer.json (trained here with XLM-R's nmt_nfkc rule, converted by transformers'
// XLMRobertaConverter), multilingual CoNLL data imported, one epoch trained, predictions on new text.
// The PASTA slots come from the tokenizer's own post-processor (<s> $A </s>; <s> $A </s></s> $B </s>).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { writeTinyModel } from '../../helpers/tinyModel.js';
import { runPasta, tempWorkspaces } from './runPasta.js';

const workspace = tempWorkspaces('pasta-cli-xlmr-');
let modelDir: string;

before(async () => {
  modelDir = (await writeTinyModel(join(workspace(), 'xlmr'), 'xlm-roberta')).dir;
});

const SENTENCES: [string, string][][] = [
  [
    ['Angela', 'B-PER'],
    ['Merkel', 'I-PER'],
    ['besuchte', 'O'],
    ['Paris', 'B-LOC'],
    ['.', 'O'],
  ],
  [
    ['Ｊｏｈｎ', 'B-PER'],
    ['lives', 'O'],
    ['in', 'O'],
    ['東京', 'B-LOC'],
    ['😀', 'O'],
  ],
  [
    ['Zoë', 'B-PER'],
    ['a', 'O'],
    ['visité', 'O'],
    ['Montréal', 'B-LOC'],
    ['hier', 'O'],
  ],
  [
    ['Владимир', 'B-PER'],
    ['живёт', 'O'],
    ['в', 'O'],
    ['Москве', 'B-LOC'],
  ],
];

function conll(copies: number): string {
  const blocks: string[] = [];
  for (let i = 0; i < copies; i++) for (const sentence of SENTENCES) blocks.push(sentence.map(([w, t]) => `${w}\t${t}`).join('\n'));
  return `${blocks.join('\n\n')}\n`;
}

describe('XLM-RoBERTa (SentencePiece Unigram tokenizer)', () => {
  it('imports, trains one epoch and predicts on multilingual text', () => {
    const ws = workspace({ baseModel: modelDir, hyperparameters: { epochs: 1, batchSize: 4, threads: 1, device: 'cpu' } });
    writeFileSync(join(ws, 'people.conll'), conll(4));
    const imported = runPasta(['import', 'people.conll'], { cwd: ws });
    assert.equal(imported.status, 0, imported.stderr);

    const trained = runPasta(['train'], { cwd: ws });
    assert.equal(trained.status, 0, trained.stderr);
    assert.match(trained.stdout, /Adapter 'ner' \(best epoch 1\) written to \.pasta\/adapters\/ner\n/);
    const config = JSON.parse(readFileSync(join(ws, '.pasta', 'adapters', 'ner', 'adapter_config.json'), 'utf8'));
    assert.equal(config.base_model_fingerprint.signature.model_type, 'xlm-roberta');
    assert.deepEqual(config.special_token_slots, ['<s>', '</s>']);

    const predicted = runPasta(['predict', '--text', 'Ｊｏｈｎ visité 東京 and Москве 😀'], { cwd: ws });
    assert.equal(predicted.stderr, '');
    assert.equal(predicted.status, 0);
    for (const line of predicted.stdout.trimEnd().split('\n')) assert.match(line, /^text(: no entities|:\d+-\d+\t(PER|LOC)\t[01]\.\d{3}\t".+")$/);
  });

  it('trains a sentence-pair classifier with the slots of the pair template', () => {
    const ws = workspace({ task: 'sequence', baseModel: modelDir, hyperparameters: { epochs: 1, batchSize: 4, threads: 1, device: 'cpu' } });
    const pairs = [
      { text: 'Il pleut.', text_pair: 'Es regnet.', label: 'same' },
      { text: '東京は大きい', text_pair: 'Ｔｏｋｙｏ is big', label: 'same' },
      { text: 'Il pleut.', text_pair: 'J’aime la 🍕.', label: 'other' },
      { text: 'Москва', text_pair: 'Lisboa é bonita', label: 'other' },
    ];
    const lines = Array.from({ length: 12 }, (_, i) => JSON.stringify(pairs[i % pairs.length]));
    writeFileSync(join(ws, 'pairs.jsonl'), `${lines.join('\n')}\n`);
    const imported = runPasta(['import', 'pairs.jsonl'], { cwd: ws });
    assert.equal(imported.status, 0, imported.stderr);

    const trained = runPasta(['train'], { cwd: ws });
    assert.equal(trained.status, 0, trained.stderr);
    const written = /Adapter '(.+)' \(best epoch 1\) written to (.+)\n/.exec(trained.stdout);
    assert.ok(written, trained.stdout);
    const adapters = JSON.parse(readFileSync(join(ws, written[2], 'adapter_config.json'), 'utf8'));
    assert.equal(adapters.text_pair, true);
    assert.deepEqual(adapters.special_token_slots, ['<s>', '</s>', '</s>', '</s>']);
  });
});
