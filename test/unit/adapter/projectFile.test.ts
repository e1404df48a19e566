import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError } from '../../../src/core/data/types.js';
import {
  DEFAULT_HYPERPARAMETERS,
  defaultProject,
  parseProjectFile,
  PROJECT_SCHEMA,
  readProjectFile,
  updateProjectFile,
} from '../../../src/core/project/projectFile.js';
import { UNDERSTOOD_KEYWORDS, type SchemaNode } from '../../../src/core/project/projectFileSchema.js';

const root = mkdtempSync(join(tmpdir(), 'pasta-project-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

function workspace(projectText?: string): string {
  const ws = join(root, `ws${counter++}`);
  mkdirSync(join(ws, '.pasta'), { recursive: true });
  if (projectText !== undefined) writeFileSync(join(ws, '.pasta', 'project.json'), projectText);
  return ws;
}

/** The message after the file name: "<line>: <field> <problem>". */
function problemOf(text: string): string {
  try {
    parseProjectFile(text, 'project.json');
  } catch (error) {
    assert.ok(error instanceof InputError);
    assert.ok(!error.message.includes('\n'));
    return error.message.replace(/^project\.json:/, '');
  }
  throw new Error('accepted');
}

describe('project.json defaults', () => {
  it('a missing, empty or {} file means the defaults', async () => {
    const missing = await readProjectFile(workspace());
    assert.equal(missing.exists, false);
    assert.deepEqual(missing.project, defaultProject());
    assert.deepEqual((await readProjectFile(workspace(''))).project, defaultProject());
    assert.deepEqual((await readProjectFile(workspace(' \n'))).project, defaultProject());
    assert.deepEqual((await readProjectFile(workspace('{}'))).project, defaultProject());
  });

  it('defaults follow the reference NER script where it has one', () => {
    const p = defaultProject();
    assert.deepEqual(p.hyperparameters, {
      epochs: 20,
      batchSize: 16,
      learningRate: 3e-3,
      warmupRatio: 0.1,
      weightDecay: 0,
      maxLength: 128,
      stride: 32,
      patience: 5,
      seed: 42,
      dropout: 'pasta',
      threads: 0,
      device: 'auto',
      precision: 'fp32',
    });
    assert.equal(p.baseModel, 'all-MiniLM-L6-v2');
    assert.equal(p.task, 'token');
    assert.deepEqual(p.dev, { fraction: 0.1, seed: 42 });
    assert.deepEqual(p.dataSources, [
      { path: '.pasta/annotations', format: 'annotations' },
      { path: '.pasta/datasets/*.jsonl', format: 'jsonl' },
    ]);
    assert.equal(p.activeAdapter, null);
    assert.deepEqual(
      p.labels.map((l) => l.name),
      ['person', 'location', 'corporation', 'product', 'creative-work', 'group'],
    );
  });

  it('the schema states the same defaults and uses only keywords the checker understands', () => {
    const props = PROJECT_SCHEMA.properties!;
    const p = defaultProject();
    assert.deepEqual(props.labels.default, p.labels);
    assert.equal(props.baseModel.default, p.baseModel);
    assert.equal(props.task.default, p.task);
    assert.deepEqual(
      props.dataSources.default,
      p.dataSources.map((s) => s.path),
    );
    assert.deepEqual(props.dev.default, p.dev);
    assert.equal(props.activeAdapter.default, null);
    for (const [key, value] of Object.entries(DEFAULT_HYPERPARAMETERS)) assert.equal(props.hyperparameters.properties![key].default, value, key);
    assert.deepEqual(Object.keys(props.hyperparameters.properties!).sort(), Object.keys(DEFAULT_HYPERPARAMETERS).sort());
    const walk = (node: SchemaNode, where: string) => {
      for (const key of Object.keys(node)) assert.ok(UNDERSTOOD_KEYWORDS.has(key), `${where}: ${key}`);
      for (const [name, child] of Object.entries(node.properties ?? {})) walk(child, `${where}.${name}`);
      if (node.items) walk(node.items, `${where}[]`);
      node.anyOf?.forEach((child, i) => walk(child, `${where}|${i}`));
    };
    walk(PROJECT_SCHEMA, '');
  });

  it('fills what a file leaves out and keeps what it says', () => {
    const { project } = parseProjectFile(
      JSON.stringify({
        labels: [{ name: 'drug', color: '#AA0000', key: 'd' }],
        task: 'token',
        dataSources: ['data/train.conll', { path: 'notes/**/*.md' }, { path: 'x.txt', format: 'conll', scheme: 'BIOES' }],
        dev: { file: 'data/dev.conll' },
        hyperparameters: { epochs: 3, learningRate: 1e-2 },
        activeAdapter: 'drugs',
      }),
      'project.json',
    );
    assert.deepEqual(project.labels, [{ name: 'drug', color: '#aa0000', key: 'd' }]);
    assert.deepEqual(project.dataSources, [
      { path: 'data/train.conll', format: 'conll' },
      { path: 'notes/**/*.md', format: 'annotations' },
      { path: 'x.txt', format: 'conll', scheme: 'BIOES' },
    ]);
    assert.deepEqual(project.dev, { file: 'data/dev.conll' });
    assert.deepEqual(project.hyperparameters, { ...DEFAULT_HYPERPARAMETERS, epochs: 3, learningRate: 1e-2 });
    assert.equal(project.activeAdapter, 'drugs');
  });

  it('reads the sample workspace project file', async () => {
    const sample = join(import.meta.dirname, '../../../samples/workspace');
    const { project } = await readProjectFile(sample);
    assert.equal(project.labels.length, 6);
  });
});

describe('project.json errors name the file, the line and the field', () => {
  const text = (body: object) => `${JSON.stringify(body, null, 2)}\n`;

  it('bad JSON', () => {
    assert.equal(problemOf('{\n  "task": "token",\n  "epochs": 3,\n}\n'), '4: invalid JSON: expected a property name in double quotes, found "}\\n"');
  });

  it('values out of range, of the wrong type, or not allowed', () => {
    assert.equal(problemOf(text({ hyperparameters: { epochs: 3, batchSize: 0 } })), '4: hyperparameters.batchSize must be at least 1, found 0');
    assert.equal(problemOf(text({ hyperparameters: { epochs: 1.5 } })), '3: hyperparameters.epochs must be an integer, found 1.5');
    assert.equal(problemOf(text({ hyperparameters: { learningRate: 0 } })), '3: hyperparameters.learningRate must be more than 0, found 0');
    assert.equal(
      problemOf(text({ hyperparameters: { device: 'tpu' } })),
      '3: hyperparameters.device must be one of "auto", "cpu", "webgpu", "cuda", "dml", "coreml", found "tpu"',
    );
    assert.equal(problemOf(text({ task: 'ner' })), '2: task must be one of "token", "sequence", found "ner"');
    assert.equal(problemOf(text({ dev: { fraction: 1 } })), '3: dev.fraction must be less than 1, found 1');
    assert.equal(problemOf(text({ dataSources: ['a.jsonl', 7] })), '4: dataSources[1] must be a string or an object, found 7');
    assert.equal(
      problemOf(text({ dataSources: [{ path: 'a.txt', format: 'csv' }] })),
      '5: dataSources[0].format must be one of "annotations", "jsonl", "conll", found "csv"',
    );
    assert.equal(problemOf(text({ activeAdapter: '../x' })), '2: activeAdapter "../x" does not match ^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$');
    assert.equal(problemOf('[]'), '1: the project must be an object, found an array');
  });

  it('unknown fields, with the known ones listed', () => {
    assert.equal(
      problemOf(text({ task: 'token', learningRate: 0.1 })),
      '3: learningRate is not a known field (known: labels, baseModel, task, dataSources, dev, hyperparameters, activeAdapter)',
    );
    assert.match(problemOf(text({ hyperparameters: { lr: 0.1 } })), /^3: hyperparameters\.lr is not a known field \(known: epochs, batchSize, learningRate/);
  });

  it('labels: missing fields, colours, duplicate names and keys', () => {
    const labels = (list: object[]) => text({ labels: list });
    assert.equal(problemOf(labels([{ color: '#000000', key: 'a' }])), '3: labels[0] needs "name"');
    assert.equal(problemOf(labels([{ name: 'a', color: 'red', key: 'a' }])), '5: labels[0].color "red" does not match ^#[0-9a-fA-F]{6}$');
    assert.equal(problemOf(labels([{ name: 'a', color: '#000000', key: 'ab' }])), '6: labels[0].key must be at most 1 character, found "ab"');
    assert.equal(
      problemOf(
        labels([
          { name: 'a', color: '#000000', key: 'a' },
          { name: 'a', color: '#000000', key: 'b' },
        ]),
      ),
      '9: labels[1].name "a" is already the name of labels[0]',
    );
    assert.equal(
      problemOf(
        labels([
          { name: 'a', color: '#000000', key: 'a' },
          { name: 'b', color: '#000000', key: 'a' },
        ]),
      ),
      '11: labels[1].key "a" is already the key of labels[0]',
    );
  });

  it('rules across fields: dev file or fraction, stride below maxLength', () => {
    assert.equal(
      problemOf(text({ dev: { fraction: 0.2, file: 'dev.conll' } })),
      '4: dev.file excludes "fraction" and "seed": the dev split is either a file or a random fraction',
    );
    assert.equal(problemOf(text({ hyperparameters: { stride: 128 } })), '3: hyperparameters.stride must be less than maxLength (128), found 128');
    assert.equal(problemOf(text({ hyperparameters: { maxLength: 16 } })), '3: hyperparameters.maxLength must be more than stride (32), found 16');
  });

  it('readProjectFile names the real file', async () => {
    const ws = workspace('{"task": 3}');
    await assert.rejects(readProjectFile(ws), { message: `${join(ws, '.pasta', 'project.json')}:1: task must be one of "token", "sequence", found 3` });
  });
});

describe('updateProjectFile', () => {
  it('writes what the file held plus the change, not the defaults, atomically', async () => {
    const ws = workspace('{\n  "labels": [{"name": "drug", "color": "#aa0000", "key": "d"}]\n}\n');
    const result = await updateProjectFile(ws, (raw) => {
      raw.activeAdapter = 'drugs';
    });
    assert.equal(result.project.activeAdapter, 'drugs');
    const file = join(ws, '.pasta', 'project.json');
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { labels: [{ name: 'drug', color: '#aa0000', key: 'd' }], activeAdapter: 'drugs' });
    assert.deepEqual(readdirSync(join(ws, '.pasta')), ['project.json']);
  });

  it('creates the file when there is none, and refuses a change that breaks it, leaving it as it was', async () => {
    const ws = join(root, 'fresh');
    await updateProjectFile(ws, (raw) => {
      raw.baseModel = 'models/bert-base-cased';
    });
    const file = join(ws, '.pasta', 'project.json');
    const before = readFileSync(file, 'utf8');
    assert.equal(before, '{\n  "baseModel": "models/bert-base-cased"\n}\n');
    await assert.rejects(
      updateProjectFile(ws, (raw) => {
        raw.hyperparameters = { batchSize: -1 };
      }),
      { message: `${file}:4: hyperparameters.batchSize must be at least 1, found -1` },
    );
    assert.equal(readFileSync(file, 'utf8'), before);
  });
});
