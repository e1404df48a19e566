import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { exportModel } from '../../../src/core/export/exportModel';
import { exportMultiAdapterModel } from '../../../src/core/export/exportMultiAdapterModel';
import type { ModelFamily } from '../../../src/core/model/types';
import { loadBaseModel } from '../../../src/core/project/baseModel';
import { writeTinyModel } from '../../helpers/tinyModel';
import { syntheticNer } from '../pasta/tinyPasta';
import { saveRandomAdapter, type AdapterFixture } from './exportFixture';
import { sampleLines } from './exportParity';

const TOLERANCE = 1e-5;
let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'pasta-multi-export-'));
});
after(() => rm(root, { recursive: true, force: true }));

/** A workspace with a tiny base and the given adapters on it (each with its own seed). */
async function workspace(name: string, family: ModelFamily, fixtures: Record<string, AdapterFixture>): Promise<string> {
  const ws = join(root, name);
  const model = await writeTinyModel(join(ws, 'model'), family);
  for (const [adapter, fixture] of Object.entries(fixtures)) await saveRandomAdapter(ws, adapter, model.dir, fixture, join(root, 'cache'));
  return ws;
}

/** The texts as the base's tokenizer encodes them, padded to one length: the feeds a Hugging Face tokenizer gives. */
async function encodeBatch(ws: string, texts: string[], inputNames: readonly string[]): Promise<Record<string, ort.Tensor>> {
  const base = await loadBaseModel(join(ws, 'model'), ws);
  const encodings = texts.map((t) => base.tokenizer.encode(t, undefined, { maxLength: 48 }));
  const S = Math.max(...encodings.map((e) => e.ids.length));
  const tensor = (rows: number[][], fill: number) =>
    new ort.Tensor('int64', BigInt64Array.from(rows.flatMap((r) => [...r, ...Array<number>(S - r.length).fill(fill)]).map(BigInt)), [rows.length, S]);
  const all: Record<string, ort.Tensor> = {
    input_ids: tensor(
      encodings.map((e) => e.ids),
      base.tokenizer.specialTokens.pad,
    ),
    attention_mask: tensor(
      encodings.map((e) => e.ids.map(() => 1)),
      0,
    ),
    token_type_ids: tensor(
      encodings.map((e) => e.typeIds),
      0,
    ),
  };
  return Object.fromEntries(inputNames.filter((n) => n in all).map((n) => [n, all[n]]));
}

async function logitsOf(modelFile: string, feeds: Record<string, ort.Tensor>): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(modelFile, { intraOpNumThreads: 1 });
  try {
    return (await session.run(Object.fromEntries(session.inputNames.map((n) => [n, feeds[n]])))).logits;
  } finally {
    await session.release();
  }
}

/**
 * Exports each adapter alone and all together, runs one batch whose row b goes to adapter b % A through the multi
 * export and the whole batch through each single export, and compares row by row on the attended positions.
 */
async function assertRowsMatchSingleExports(ws: string, adapters: string[], texts: string[]): Promise<{ maxAbsDiff: number; compared: number }> {
  const multi = await exportMultiAdapterModel({ workspaceRoot: ws, adapters, out: join(ws, 'multi') });
  const session = await ort.InferenceSession.create(multi.modelFile);
  const inputNames = session.inputNames;
  await session.release();
  assert.equal(inputNames.at(-1), 'adapter_ids');
  const feeds = await encodeBatch(ws, texts, inputNames);
  const ids = texts.map((_, b) => b % adapters.length);
  feeds.adapter_ids = new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [texts.length]);
  const mixed = await logitsOf(multi.modelFile, feeds);
  const C = mixed.dims.at(-1)!;
  const positions = mixed.dims.length === 3 ? mixed.dims[1] : 1;
  const mask = feeds.attention_mask.data as BigInt64Array;
  const actual = mixed.data as Float32Array;
  let maxAbsDiff = 0;
  let compared = 0;
  let maxAbsLogit = 0;
  for (const [k, name] of adapters.entries()) {
    const single = await exportModel({ workspaceRoot: ws, adapter: name, out: join(ws, `single-${name}`) });
    const alone = await logitsOf(single.modelFile, feeds);
    const n = alone.dims.at(-1)!;
    const expected = alone.data as Float32Array;
    for (let b = 0; b < texts.length; b++) {
      if (ids[b] !== k) continue;
      for (let s = 0; s < positions; s++) {
        if (positions > 1 && mask[b * positions + s] === 0n) continue;
        for (let c = 0; c < C; c++) {
          const got = actual[(b * positions + s) * C + c];
          if (c >= n) {
            assert.equal(got, -Infinity, `row ${b} (${name}), position ${s}: padding label ${c} is -inf`);
            continue;
          }
          const want = expected[(b * positions + s) * n + c];
          maxAbsDiff = Math.max(maxAbsDiff, Math.abs(got - want));
          maxAbsLogit = Math.max(maxAbsLogit, Math.abs(want));
          compared++;
        }
      }
    }
  }
  assert.ok(maxAbsLogit > 0.5, `logits far from zero (${maxAbsLogit})`);
  assert.ok(maxAbsDiff <= TOLERANCE, `max |difference| ${maxAbsDiff} over ${compared} logits`);
  return { maxAbsDiff, compared };
}

const texts = () => [...sampleLines().slice(0, 9), ...syntheticNer(6, 5).map((d) => d.text)];
const slotsOf = (family: ModelFamily) => (family === 'roberta' ? ['<s>', '</s>'] : ['[CLS]', '[SEP]']);

describe('export-model --adapters: one model, each row by its own adapter', () => {
  for (const family of ['bert', 'roberta'] as const) {
    it(`${family}, three entity adapters of 7, 3 and 5 tags in one mixed batch: each row's logits equal its adapter's single export to ${TOLERANCE}`, async () => {
      const slots = slotsOf(family);
      const ws = await workspace(`ner-${family}`, family, {
        news: { task: 'TOKEN_CLS', labels: ['person', 'location', 'corporation'], slots, seed: 3 },
        people: { task: 'TOKEN_CLS', labels: ['person'], slots, seed: 4 },
        places: { task: 'TOKEN_CLS', labels: ['location', 'group'], slots, seed: 5 },
      });
      const { compared } = await assertRowsMatchSingleExports(ws, ['news', 'people', 'places'], texts());
      assert.ok(compared > 500, `${compared} logits compared`);
    });
  }

  it('text classification, single-text and sentence-pair adapters (2 and 3 slots) of 3 and 2 labels: each row equals its single export', async () => {
    const ws = await workspace('seq', 'bert', {
      spam: { task: 'SEQ_CLS', labels: ['ham', 'spam', 'other'], slots: ['[CLS]', '[SEP]'], seed: 7 },
      nli: { task: 'SEQ_CLS', labels: ['entailment', 'neutral'], slots: ['[CLS]', '[SEP]', '[SEP]'], textPair: true, seed: 8 },
    });
    await assertRowsMatchSingleExports(ws, ['spam', 'nli'], texts());
  });

  it("config.json lists each adapter's labels by its adapter_ids; config.pbtxt takes adapter_ids; the card shows a mixed batch", async () => {
    const ws = await workspace('layout', 'distilbert', {
      news: { task: 'TOKEN_CLS', labels: ['person', 'location', 'corporation'], slots: ['[CLS]', '[SEP]'], seed: 3 },
      people: { task: 'TOKEN_CLS', labels: ['person'], slots: ['[CLS]', '[SEP]'], seed: 4 },
    });
    const exported = await exportMultiAdapterModel({ workspaceRoot: ws, adapters: ['news', 'people'], out: join(ws, 'repo'), triton: true });
    assert.equal(exported.modelFile, join(ws, 'repo', 'news_people', '1', 'model.onnx'));
    const config = JSON.parse(readFileSync(join(exported.modelDir, 'config.json'), 'utf8'));
    assert.deepEqual(config.architectures, ['DistilBertForTokenClassification']);
    assert.equal(Object.keys(config.id2label).length, 7);
    assert.equal(config.pasta.adapter_ids_input, 'adapter_ids');
    assert.deepEqual(
      config.pasta.adapters.map((a: { adapter_id: number; name: string; num_labels: number }) => [a.adapter_id, a.name, a.num_labels]),
      [
        [0, 'news', 7],
        [1, 'people', 3],
      ],
    );
    assert.deepEqual(config.pasta.adapters[1].id2label, { '0': 'O', '1': 'B-person', '2': 'I-person' });
    const pbtxt = readFileSync(join(exported.modelDir, 'config.pbtxt'), 'utf8');
    assert.match(pbtxt, /^name: "news_people"\n/);
    assert.match(pbtxt, /\{\n {4}name: "adapter_ids"\n {4}data_type: TYPE_INT64\n {4}dims: \[ -1 \]\n {2}\}\n\]/);
    assert.match(pbtxt, /dims: \[ -1, -1, 7 \]/);
    const card = readFileSync(join(exported.modelDir, 'README.md'), 'utf8');
    assert.match(card, /\| 0 \| news \| person, location, corporation \| 33\.3 \|/);
    assert.match(card, /adapter_ids = np\.array\(\[0,1\], dtype=np\.int64\)  # row 0: news, row 1: people/);
    // The card's Triton request holds the tokenizer's real ids: sent to the model, it runs.
    const body = JSON.parse(card.split('```json\n')[1].split('\n```')[0]);
    const feeds = Object.fromEntries(
      body.inputs.map((i: { name: string; shape: number[]; data: number[] | number[][] }) => [
        i.name,
        new ort.Tensor('int64', BigInt64Array.from(i.data.flat().map(BigInt)), i.shape),
      ]),
    );
    const logits = await logitsOf(exported.modelFile, feeds);
    assert.deepEqual(logits.dims.slice(0, 1), [2]);
    assert.equal((logits.data as Float32Array).at(-1), -Infinity, "row 1 is people's: its last 4 labels are padding");
  });
});
