// Sentence-pair "sequence" projects on tiny encoders: slot counts from the tokenizer's pair encoding (3 for BERT-likes,
// 4 for RoBERTa-likes), the adapter that records them, prediction that refuses the wrong kind of input, and the data
// checks (a project's records are all single texts or all pairs).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ModelFamily } from '../../../src/core/model/types.js';
import { loadTokenizer } from '../../../src/core/model/tokenizer/index.js';
import { adapterDir, loadAdapter, parseAdapterConfig } from '../../../src/core/adapter/index.js';
import { loadClassificationData } from '../../../src/core/project/classificationData.js';
import { readProjectFile } from '../../../src/core/project/projectFile.js';
import { pairSlotTokens } from '../../../src/core/training/trainingRun.js';
import { WorkspacePredictor } from '../../../src/core/prediction/workspacePrediction.js';
import { trainWorkspaceAdapter } from '../../../src/core/training/workspaceTraining.js';
import { writeTinyModel } from '../../helpers/tinyModel.js';
import { fixtureConfig } from '../adapter/adapterFixture.js';
import { classificationLines } from './sequenceWorkspace.js';

const SAME = [
  ['john lives in paris', 'john lives in the city of paris'],
  ['the team play the game', 'the team play a game today'],
  ['a visit to london', 'john went to london'],
];
const OTHER = [
  ['john lives in paris', 'the team play the game'],
  ['the team play the game', 'london is a city'],
  ['a visit to london', 'play the game today'],
];

/** 24 pair records in the tiny vocabularies, alternating "same" and "other". */
function pairLines(): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 12; i++) {
    const [a, b] = SAME[i % SAME.length];
    const [c, d] = OTHER[i % OTHER.length];
    lines.push(JSON.stringify({ text: a, text_pair: b, label: 'same' }), JSON.stringify({ sentence1: c, sentence2: d, label: 'other' }));
  }
  return lines;
}

async function pairWorkspace(family: ModelFamily, files: Record<string, string[]>): Promise<{ root: string; modelDir: string }> {
  const root = await mkdtemp(join(tmpdir(), `pasta-pairs-${family}-`));
  const model = await writeTinyModel(join(root, 'model'), family);
  await mkdir(join(root, '.pasta', 'datasets'), { recursive: true });
  for (const [name, lines] of Object.entries(files)) await writeFile(join(root, '.pasta', 'datasets', name), `${lines.join('\n')}\n`);
  const project = {
    task: 'sequence',
    baseModel: model.dir,
    dev: { fraction: 0.25, seed: 1 },
    hyperparameters: { epochs: 2, batchSize: 4, learningRate: 0.01, threads: 1, device: 'cpu' },
  };
  await writeFile(join(root, '.pasta', 'project.json'), `${JSON.stringify(project, null, 2)}\n`);
  return { root, modelDir: model.dir };
}

describe('pair slots from the tokenizer', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  const expected: [ModelFamily, string[]][] = [
    ['bert', ['[CLS]', '[SEP]', '[SEP]']],
    ['distilbert', ['[CLS]', '[SEP]', '[SEP]']],
    ['electra', ['[CLS]', '[SEP]', '[SEP]']],
    ['roberta', ['<s>', '</s>', '</s>', '</s>']],
  ];
  for (const [family, slots] of expected) {
    it(`${family}: ${slots.join(' ')}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), `pasta-slots-${family}-`));
      dirs.push(dir);
      const model = await writeTinyModel(join(dir, 'model'), family);
      const tokenizer = await loadTokenizer(model.dir);
      assert.deepEqual(pairSlotTokens(tokenizer), slots);
      assert.equal(tokenizer.numSpecialTokensToAdd(true), slots.length);
    });
  }
});

describe('a sentence-pair project on a tiny RoBERTa', () => {
  let ws: { root: string; modelDir: string };
  before(async () => {
    ws = await pairWorkspace('roberta', { 'pairs.jsonl': pairLines() });
    const result = await trainWorkspaceAdapter({ workspaceRoot: ws.root, adapterName: 'pairs' });
    assert.equal(result.cancelled, false);
    // A single-text adapter on the same base, for the refusals and the mixed predictor below.
    await writeFile(join(ws.root, '.pasta', 'datasets', 'pairs.jsonl'), `${classificationLines().join('\n')}\n`);
    assert.equal((await trainWorkspaceAdapter({ workspaceRoot: ws.root, adapterName: 'topics' })).cancelled, false);
  });
  after(async () => {
    await rm(ws.root, { recursive: true, force: true });
  });

  it('records four slots, the pair layout and "text_pair": true in adapter_config.json', async () => {
    const adapter = await loadAdapter(adapterDir(ws.root, 'pairs'));
    assert.equal(adapter.config.task_type, 'SEQ_CLS');
    assert.equal(adapter.config.text_pair, true);
    assert.equal(adapter.config.num_special_token_slots, 4);
    assert.deepEqual(adapter.config.special_token_slots, ['<s>', '</s>', '</s>', '</s>']);
    assert.deepEqual(adapter.tensors.pasta_vectors.shape, [2, 4, 32]);
    const single = await loadAdapter(adapterDir(ws.root, 'topics'));
    assert.equal(single.config.text_pair, undefined);
    assert.equal(single.config.num_special_token_slots, 2);
  });

  it('classifies pairs and single texts side by side, and refuses the wrong kind of input for each', async () => {
    const predictor = new WorkspacePredictor(ws.root, { threads: 1 });
    try {
      assert.equal(await predictor.classifiesPairs('pairs'), true);
      assert.equal(await predictor.classifiesPairs('topics'), false);
      const out = await predictor.classify(
        [{ text: 'john lives in paris', textPair: 'john lives in the city of paris' }, 'london is a city', { text: 'a', textPair: 'b' }],
        ['pairs', 'topics', 'pairs'],
      );
      assert.deepEqual(
        out.map((c) => c.adapter),
        ['pairs', 'topics', 'pairs'],
      );
      assert.ok(['same', 'other'].includes(out[0].label) && ['city', 'sports'].includes(out[1].label));
      // The same pair alone gives the same distribution as in the mixed call.
      const [alone] = await predictor.classify([{ text: 'john lives in paris', textPair: 'john lives in the city of paris' }], ['pairs']);
      assert.deepEqual(
        alone.distribution.map((d) => d.probability),
        out[0].distribution.map((d) => d.probability),
      );

      const config = join(adapterDir(ws.root, 'pairs'), 'adapter_config.json');
      await assert.rejects(predictor.classify(['john lives in paris'], ['pairs']), {
        message: `${config}: input 1 is a single text, but adapter 'pairs' classifies sentence pairs; give it records {"text", "text_pair"}`,
      });
      await assert.rejects(predictor.classify([{ text: 'a', textPair: 'b' }], ['topics']), {
        message: `${join(adapterDir(ws.root, 'topics'), 'adapter_config.json')}: input 1 is a sentence pair, but adapter 'topics' classifies single texts; give it records without "text_pair"`,
      });
      await assert.rejects(predictor.evaluateClassification([{ id: 'gold.jsonl:4', text: 'london', label: 'same' }], 'pairs'), {
        message: `gold.jsonl:4: is a single text, but adapter 'pairs' classifies sentence pairs; give it records {"text", "text_pair"}`,
      });
      const scores = await predictor.evaluateClassification(
        [{ id: 'gold.jsonl:1', text: 'a visit to london', textPair: 'john went to london', label: 'same' }],
        'pairs',
      );
      assert.ok(scores.accuracy === 0 || scores.accuracy === 1);
    } finally {
      await predictor.dispose();
    }
  });
});

describe('pair data checks', () => {
  it('refuses a project mixing single texts and pairs across its files, naming both places', async () => {
    const ws = await pairWorkspace('bert', { 'a.jsonl': pairLines().slice(0, 6), 'b.jsonl': classificationLines().slice(0, 6) });
    try {
      const { project } = await readProjectFile(ws.root);
      const a = join(ws.root, '.pasta', 'datasets', 'a.jsonl');
      const b = join(ws.root, '.pasta', 'datasets', 'b.jsonl');
      await assert.rejects(loadClassificationData(ws.root, project), (e: unknown) => {
        assert.ok(e instanceof Error);
        assert.match(
          e.message,
          /^.+\.jsonl:\d+: is a (single text|sentence pair), but .+\.jsonl:\d+ is a (sentence pair|single text); a dataset holds single texts or sentence pairs, not both$/,
        );
        assert.ok(e.message.includes(a) && e.message.includes(b), e.message);
        return true;
      });
      await writeFile(b, `${pairLines().slice(6, 12).join('\n')}\n`);
      const data = await loadClassificationData(ws.root, project);
      assert.equal(data.pairs, true);
      assert.deepEqual([...data.labels].sort(), ['other', 'same']);
    } finally {
      await rm(ws.root, { recursive: true, force: true });
    }
  });

  it('the paraphrase sample (samples/pairs) reads as 40 balanced pairs, split 30/10', async () => {
    const root = join(import.meta.dirname, '..', '..', '..', 'samples', 'pairs');
    const { project } = await readProjectFile(root);
    const data = await loadClassificationData(root, project);
    assert.equal(data.pairs, true);
    assert.deepEqual([data.train.length, data.dev.length], [30, 10]);
    assert.deepEqual(data.labels, ['paraphrase', 'different']);
    const all = [...data.train, ...data.dev];
    assert.equal(all.filter((r) => r.label === 'paraphrase').length, 20);
    assert.ok(all.every((r) => r.text.length > 0 && (r.textPair ?? '').length > 0));
  });

  it('adapter_config.json: "text_pair" is true or absent, and only on SEQ_CLS adapters', () => {
    const seq = { ...fixtureConfig({ task: 'SEQ_CLS', slots: 3 }), text_pair: true };
    assert.equal(parseAdapterConfig(JSON.stringify(seq, null, 2), 'a.json').text_pair, true);
    assert.throws(() => parseAdapterConfig(JSON.stringify({ ...seq, text_pair: false }, null, 2), 'a.json'), {
      message: /^a\.json:\d+: text_pair must be true \(an adapter for sentence pairs\) or absent, found false$/,
    });
    assert.throws(() => parseAdapterConfig(JSON.stringify({ ...fixtureConfig({ slots: 3 }), text_pair: true }, null, 2), 'a.json'), {
      message: /^a\.json:\d+: text_pair is for SEQ_CLS adapters only$/,
    });
  });
});
