// A "sequence" project end to end on a tiny BERT: train a SEQ_CLS adapter, load it back, classify and score it
// through the real CLI, and the refusals between entity and classification adapters.
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InputError } from '../../../src/core/data/types.js';
import { adapterDir, loadAdapter, saveAdapter } from '../../../src/core/adapter/index.js';
import { labelsInOrder } from '../../../src/core/adapter/adapterConfig.js';
import { WorkspacePredictor } from '../../../src/core/prediction/workspacePrediction.js';
import { trainWorkspaceAdapter } from '../../../src/core/training/workspaceTraining.js';
import { runPasta } from '../cli/runPasta.js';
import { makeSequenceWorkspace, type SequenceWorkspace } from './sequenceWorkspace.js';

const GOLD = [
  { text: 'the team play game', label: 'sports' },
  { text: 'john lives in london', label: 'city' },
  { text: 'a visit to paris', label: 'city' },
  { text: 'play the game today', label: 'sports' },
];

describe('a sequence project', () => {
  let ws: SequenceWorkspace;
  let evalFile: string;
  before(async () => {
    ws = await makeSequenceWorkspace();
    evalFile = join(ws.root, 'gold.jsonl');
    await writeFile(evalFile, GOLD.map((g) => JSON.stringify(g)).join('\n') + '\n');
    const events: string[] = [];
    const result = await trainWorkspaceAdapter({ workspaceRoot: ws.root, adapterName: 'topics', onEvent: (e) => events.push(e.type) });
    assert.equal(result.cancelled, false);
    assert.equal(events.filter((t) => t === 'epoch').length, 2);
  });
  after(async () => {
    await rm(ws.root, { recursive: true, force: true });
  });

  it('trains a SEQ_CLS adapter that loads back with its classes, dev accuracy and macro-F1', async () => {
    const adapter = await loadAdapter(adapterDir(ws.root, 'topics'));
    const c = adapter.config;
    assert.equal(c.task_type, 'SEQ_CLS');
    assert.equal(c.label_scheme, undefined);
    assert.deepEqual(labelsInOrder(c), ['city', 'sports']);
    assert.deepEqual(c.label2id, { city: 0, sports: 1 });
    assert.deepEqual(c.special_token_slots, ['[CLS]', '[SEP]']);
    assert.deepEqual(adapter.tensors.pasta_vectors.shape, [2, 2, 32]);
    assert.deepEqual(adapter.tensors['classifier.weight'].shape, [2, 32]);
    const dev = c.metrics.dev as Record<string, Record<string, number> | number>;
    for (const key of ['accuracy', 'macro_f1']) assert.ok(typeof dev[key] === 'number' && dev[key] >= 0 && dev[key] <= 1, key);
    assert.equal(dev.macro_f1, (dev.macro as Record<string, number>).f1);
    for (const l of ['city', 'sports']) assert.deepEqual(Object.keys(dev[l] as object).sort(), ['f1', 'precision', 'recall', 'support']);
    assert.ok((c.metrics.best_epoch as number) >= 1 && (c.metrics.best_epoch as number) <= 2);
    assert.equal(c.metrics.epochs_run, 2);
  });

  it('pasta predict prints the label, its probability and the distribution per input', () => {
    const texts = GOLD.map((g) => g.text);
    const res = runPasta(['predict', '-w', ws.root, '-a', 'topics', ...texts.flatMap((t) => ['--text', t])], { cwd: ws.root });
    assert.equal(res.status, 0, res.stderr);
    const lines = res.stdout.trimEnd().split('\n');
    assert.equal(lines.length, texts.length);
    for (const line of lines) {
      const m = /^text\t(city|sports)\t(\d\.\d{3})\t\(city (\d\.\d{3}), sports (\d\.\d{3})\)$/.exec(line);
      assert.ok(m, line);
      assert.equal(Number(m[2]), Math.max(Number(m[3]), Number(m[4])));
    }

    const json = runPasta(['predict', '-w', ws.root, '-a', 'topics', '--format', 'jsonl', ...texts.flatMap((t) => ['--text', t])], { cwd: ws.root });
    assert.equal(json.status, 0, json.stderr);
    const records = json.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      records.map((r) => r.text),
      texts,
    );
    for (const r of records) {
      assert.deepEqual(Object.keys(r.distribution), ['city', 'sports']);
      assert.ok(Math.abs(r.distribution.city + r.distribution.sports - 1) < 1e-3);
      assert.equal(r.probability, r.distribution[r.label]);
      assert.deepEqual(r.meta, { source: 'text', adapter: 'topics' });
    }
    // The text output and the JSONL output agree.
    assert.deepEqual(
      lines.map((l) => l.split('\t')[1]),
      records.map((r) => r.label),
    );

    const conll = runPasta(['predict', '-w', ws.root, '-a', 'topics', '--format', 'conll', '--text', 'x'], { cwd: ws.root });
    assert.equal(conll.status, 1);
    assert.match(conll.stderr, /classifies texts; --format conll is for entity adapters/);
  });

  it('pasta eval scores accuracy, per-label P/R/F1 and macro-F1 that agree with the predictions', () => {
    const predicted = runPasta(['predict', '-w', ws.root, '-a', 'topics', '--format', 'jsonl', ...GOLD.flatMap((g) => ['--text', g.text])], { cwd: ws.root });
    const labels = predicted.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).label as string);
    const accuracy = labels.filter((l, i) => l === GOLD[i].label).length / GOLD.length;

    const res = runPasta(['eval', evalFile, '-w', ws.root, '-a', 'topics', '--json'], { cwd: ws.root });
    assert.equal(res.status, 0, res.stderr);
    const scores = JSON.parse(res.stdout);
    assert.equal(scores.accuracy, accuracy);
    assert.deepEqual(Object.keys(scores.per_label), ['city', 'sports']);
    assert.equal(scores.per_label.city.support + scores.per_label.sports.support, 4);
    const meanF1 = (scores.per_label.city.f1 + scores.per_label.sports.f1) / 2;
    assert.ok(Math.abs(scores.macro_f1 - meanF1) < 1e-12);

    const table = runPasta(['eval', evalFile, '-w', ws.root, '-a', 'topics'], { cwd: ws.root });
    assert.equal(table.status, 0, table.stderr);
    assert.match(
      table.stdout,
      /^Adapter 'topics' on .*gold\.jsonl:\n  accuracy +\d+\.\d \(4 texts\)\n  label +precision +recall +f1 +support\n  city .*\n  sports .*\n  macro avg .* 4\n$/,
    );

    const dev = runPasta(['eval', '-w', ws.root, '-a', 'topics', '--json'], { cwd: ws.root });
    assert.equal(dev.status, 0, dev.stderr);
    assert.equal(JSON.parse(dev.stdout).per_label.city.support + JSON.parse(dev.stdout).per_label.sports.support, 6);
  });

  it('pasta eval refuses an unknown label in the gold file with one line naming the file and line (exit 1)', async () => {
    const bad = join(ws.root, 'bad.jsonl');
    await writeFile(bad, `${JSON.stringify(GOLD[0])}\n${JSON.stringify({ text: 'rain', label: 'weather' })}\n`);
    const res = runPasta(['eval', bad, '-w', ws.root, '-a', 'topics'], { cwd: ws.root });
    assert.equal(res.status, 1);
    assert.equal(res.stderr, `error: ${bad}:2: label "weather" is not one of the classes of adapter 'topics' (city, sports)\n`);
    const conll = join(ws.root, 'gold.conll');
    await writeFile(conll, 'john\tB-person\n');
    const res2 = runPasta(['eval', conll, '-w', ws.root, '-a', 'topics'], { cwd: ws.root });
    assert.equal(res2.status, 1);
    assert.equal(res2.stderr, `error: ${conll}: adapter 'topics' classifies texts; score it on a JSONL file of {"text", "label"} records\n`);
  });

  it('refuses an entity adapter for classification and a classification adapter for entities', async () => {
    // A real TOKEN_CLS adapter on the same base: the SEQ_CLS one's vectors with a three-tag head.
    const seq = await loadAdapter(adapterDir(ws.root, 'topics'));
    await saveAdapter(
      adapterDir(ws.root, 'entities'),
      {
        ...seq.config,
        task_type: 'TOKEN_CLS',
        label_scheme: 'IOB2',
        id2label: { 0: 'O', 1: 'B-city', 2: 'I-city' },
        label2id: { O: 0, 'B-city': 1, 'I-city': 2 },
      },
      {
        pasta_vectors: seq.tensors.pasta_vectors,
        'classifier.weight': { shape: [3, 32], data: new Float32Array(96) },
        'classifier.bias': { shape: [3], data: new Float32Array(3) },
      },
    );
    const predictor = new WorkspacePredictor(ws.root, { threads: 1 });
    try {
      const entitiesConfig = join(adapterDir(ws.root, 'entities'), 'adapter_config.json');
      await assert.rejects(predictor.classify(['john lives in paris'], ['entities']), (e: unknown) => {
        assert.ok(e instanceof InputError);
        assert.equal(
          e.message,
          `${entitiesConfig}: adapter 'entities' is trained for entity prediction (TOKEN_CLS); this needs one for text classification (SEQ_CLS)`,
        );
        return true;
      });
      await assert.rejects(
        predictor.predict(['john lives in paris'], ['topics']),
        (e: unknown) =>
          e instanceof InputError &&
          /adapter 'topics' is trained for text classification \(SEQ_CLS\); this needs one for entity prediction \(TOKEN_CLS\)$/.test(e.message),
      );
      // Both kinds still work side by side in one predictor.
      const [spans] = await predictor.predict(['john lives in paris'], ['entities']);
      assert.ok(Array.isArray(spans));
      const [c] = await predictor.classify(['john lives in paris'], ['topics']);
      assert.ok(c.label === 'city' || c.label === 'sports');
    } finally {
      await predictor.dispose();
    }
  });

  it('pasta train on a sequence project prints classification metrics and writes the default adapter "classifier"', () => {
    const res = runPasta(['train', '-w', ws.root, '--epochs', '1'], { cwd: ws.root });
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stderr, /classes city, sports \(from the data\)/);
    assert.match(res.stderr, /epoch +1 +loss \d+\.\d{4} +dev acc +\d+\.\d +macro P/);
    assert.match(
      res.stdout,
      /Adapter 'classifier' \(best epoch 1\) written to \.pasta\/adapters\/classifier\nDev metrics \(text classification\):\n  accuracy/,
    );
  });
});
