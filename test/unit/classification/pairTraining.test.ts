// A real sentence-pair run: the paraphrase sample (samples/pairs, 40 pairs) on all-MiniLM-L6-v2, a few epochs on the
// CPU. The adapter records the three slots of BERT's pair encoding, predictions from the saved adapter equal those of
// the trained parameters in memory, and the CLI trains, predicts and scores pairs.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { adapterDir, loadAdapter } from '../../../src/core/adapter/index.js';
import { labelsInOrder } from '../../../src/core/adapter/adapterConfig.js';
import { loadBaseModel } from '../../../src/core/project/baseModel.js';
import { PastaRuntime } from '../../../src/core/pasta/runtime.js';
import { classifyTexts } from '../../../src/core/prediction/textClassifier.js';
import type { WorkspaceTrainResult } from '../../../src/core/training/trainingRun.js';
import { WorkspacePredictor } from '../../../src/core/prediction/workspacePrediction.js';
import { trainWorkspaceAdapter } from '../../../src/core/training/workspaceTraining.js';
import { runPasta } from '../cli/runPasta.js';
import { defaultModelMissing, skipIfMissing } from '../../helpers/requirements.js';

const SAMPLE = resolve(import.meta.dirname, '..', '..', '..', 'samples', 'pairs');
const skip = skipIfMissing(defaultModelMissing());

const PAIRS = [
  { text: 'The cat sleeps on the sofa.', textPair: 'The cat is asleep on the couch.' },
  { text: 'The shop opens at eight.', textPair: 'The shop sells cheap shoes.' },
  { text: 'He drove to work.', textPair: 'He went to his job by car.' },
  { text: 'It is cold today.', textPair: 'My brother likes football.' },
];

describe('sentence pairs on all-MiniLM-L6-v2', { skip }, () => {
  let root: string;
  let result: WorkspaceTrainResult;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'pasta-pairs-minilm-'));
    cpSync(SAMPLE, root, { recursive: true });
    result = await trainWorkspaceAdapter({ workspaceRoot: root, adapterName: 'paraphrase', overrides: { epochs: 4, threads: 1, device: 'cpu' } });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes a SEQ_CLS adapter with the three slots of [CLS] a [SEP] b [SEP]', async () => {
    assert.equal(result.cancelled, false);
    const adapter = await loadAdapter(adapterDir(root, 'paraphrase'));
    assert.equal(adapter.config.task_type, 'SEQ_CLS');
    assert.equal(adapter.config.text_pair, true);
    assert.equal(adapter.config.num_special_token_slots, 3);
    assert.deepEqual(adapter.config.special_token_slots, ['[CLS]', '[SEP]', '[SEP]']);
    assert.deepEqual(adapter.tensors.pasta_vectors.shape, [6, 3, 384]);
    assert.deepEqual(labelsInOrder(adapter.config), ['paraphrase', 'different']);
    const dev = adapter.config.metrics.dev as { accuracy: number };
    assert.ok(dev.accuracy >= 0 && dev.accuracy <= 1);
  });

  it('predicts pairs with the loaded adapter exactly as with the trained parameters in memory', async () => {
    assert.ok(result.params);
    const base = await loadBaseModel('all-MiniLM-L6-v2', root);
    const labels = ['paraphrase', 'different'];
    const runtime = new PastaRuntime({
      config: base.config,
      weights: base.weights,
      task: 'sequence',
      numLabels: 2,
      numSlots: 3,
      padTokenId: base.tokenizer.specialTokens.pad,
      device: 'cpu',
      threads: 1,
    });
    const predictor = new WorkspacePredictor(root, { device: 'cpu', threads: 1 });
    try {
      const inMemory = await classifyTexts(runtime, base.tokenizer, [{ name: 'paraphrase', id2label: labels, params: result.params }], PAIRS, {
        maxLength: 64,
        batchSize: 8,
      });
      const loaded = await predictor.classify(
        PAIRS,
        PAIRS.map(() => 'paraphrase'),
      );
      assert.deepEqual(
        loaded.map((c) => c.label),
        inMemory.map((c) => c.label),
      );
      loaded.forEach((c, i) =>
        c.distribution.forEach((d, k) => assert.ok(Math.abs(d.probability - inMemory[i].distribution[k].probability) < 1e-6, `${i}/${d.label}`)),
      );
      // A pair is not its first text alone: the second text changes the prediction's input.
      const [alone] = await classifyTexts(runtime, base.tokenizer, [{ name: 'x', id2label: labels, params: result.params }], [PAIRS[0].text], {
        maxLength: 64,
        batchSize: 8,
      });
      assert.notDeepEqual(alone.distribution, inMemory[0].distribution);
    } finally {
      await runtime.release();
      await predictor.dispose();
    }
  });

  it('pasta predict reads JSONL pairs from stdin and files, and refuses plain text and --text with one line', () => {
    const stdin = PAIRS.map((p) => JSON.stringify({ text: p.text, text_pair: p.textPair })).join('\n') + '\n';
    const json = runPasta(['predict', '-w', root, '-a', 'paraphrase', '--format', 'jsonl', '--threads', '1'], { cwd: root, input: stdin });
    assert.equal(json.status, 0, json.stderr);
    const records = json.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      records.map((r) => [r.text, r.text_pair]),
      PAIRS.map((p) => [p.text, p.textPair]),
    );
    assert.deepEqual(
      records.map((r) => r.meta.source),
      ['stdin:1', 'stdin:2', 'stdin:3', 'stdin:4'],
    );
    for (const r of records) assert.ok(['paraphrase', 'different'].includes(r.label) && r.probability === r.distribution[r.label]);

    const file = join(root, 'glue.jsonl');
    writeFileSync(file, `${JSON.stringify({ sentence1: PAIRS[0].text, sentence2: PAIRS[0].textPair })}\n`);
    const text = runPasta(['predict', '-w', root, '-a', 'paraphrase', 'glue.jsonl', '--threads', '1'], { cwd: root });
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^glue\.jsonl:1\t(paraphrase|different)\t\d\.\d{3}\t\(paraphrase \d\.\d{3}, different \d\.\d{3}\)\n$/);
    assert.equal(text.stdout.split('\t')[1], records[0].label, 'the GLUE naming predicts as text/text_pair does');

    const plain = runPasta(['predict', '-w', root, '-a', 'paraphrase'], { cwd: root, input: 'Is this a paraphrase?\n' });
    assert.equal(plain.status, 1);
    assert.equal(
      plain.stderr,
      `error: stdin:1: is plain text, but adapter 'paraphrase' classifies sentence pairs; give it JSONL records {"text", "text_pair"}, one per line\n`,
    );
    const flag = runPasta(['predict', '-w', root, '-a', 'paraphrase', '--text', 'hello'], { cwd: root });
    assert.equal(flag.status, 1);
    assert.match(
      flag.stderr,
      /^error: pasta predict: adapter 'paraphrase' classifies sentence pairs, and --text gives a single text; pass JSONL records \{"text", "text_pair"\} in files or on stdin/,
    );
    assert.equal(flag.stderr.trimEnd().split('\n').length, 1);
  });

  it('pasta eval scores a pair file and refuses single texts with the file and line', () => {
    const gold = join(root, 'gold.jsonl');
    writeFileSync(
      gold,
      `${JSON.stringify({ text: PAIRS[0].text, text_pair: PAIRS[0].textPair, label: 'paraphrase' })}\n${JSON.stringify({ premise: PAIRS[3].text, hypothesis: PAIRS[3].textPair, label: 'different' })}\n`,
    );
    const res = runPasta(['eval', gold, '-w', root, '-a', 'paraphrase', '--json'], { cwd: root });
    assert.equal(res.status, 0, res.stderr);
    const scores = JSON.parse(res.stdout);
    assert.equal(scores.per_label.paraphrase.support + scores.per_label.different.support, 2);

    const single = join(root, 'single.jsonl');
    writeFileSync(single, `${JSON.stringify({ text: 'just one text', label: 'paraphrase' })}\n`);
    const bad = runPasta(['eval', single, '-w', root, '-a', 'paraphrase'], { cwd: root });
    assert.equal(bad.status, 1);
    assert.equal(
      bad.stderr,
      `error: ${single}:1: is a single text, but adapter 'paraphrase' classifies sentence pairs; give it records {"text", "text_pair"}\n`,
    );
  });

  it('pasta train on the pair sample says how many slots the pairs get', () => {
    const res = runPasta(['train', '-w', root, '--name', 'cli-pairs', '--epochs', '1', '--threads', '1'], { cwd: root });
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stderr, /data: 30 training and 10 dev sentence pairs; classes paraphrase, different \(from the project labels\)/);
    assert.match(res.stderr, /sentence pairs: 3 PASTA slots \(\[CLS\] \[SEP\] \[SEP\]\)/);
    assert.match(res.stdout, /Adapter 'cli-pairs' \(best epoch 1\) written to \.pasta\/adapters\/cli-pairs/);
  });
});
