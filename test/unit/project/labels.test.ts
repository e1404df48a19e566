import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AnnotationStore } from '../../../src/core/data/annotationStore.js';
import { DEFAULT_LABELS, LABEL_PALETTE, resolveLabels } from '../../../src/core/project/labels.js';
import { parseProjectFile, readProjectFile } from '../../../src/core/project/projectFile.js';
import { addProjectLabels, describeAddedLabels, missingLabels } from '../../../src/core/project/projectLabels.js';

const root = mkdtempSync(join(tmpdir(), 'pasta-labels-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
function workspace(): string {
  const ws = join(root, `ws${counter++}`);
  mkdirSync(ws);
  return ws;
}

describe('labels written as names', () => {
  it('get distinct palette colours and the keys 1, 2, 3, ... in order', () => {
    const labels = resolveLabels(['PER', 'ORG', 'LOC', 'MISC']);
    assert.deepEqual(
      labels.map((l) => l.key),
      ['1', '2', '3', '4'],
    );
    assert.equal(new Set(labels.map((l) => l.color)).size, 4);
    for (const l of labels) assert.ok(LABEL_PALETTE.includes(l.color), l.color);
  });

  it('keep their colour and key when labels are appended, and their colour when others are removed', () => {
    const before = resolveLabels(['PER', 'ORG']);
    const after = resolveLabels(['PER', 'ORG', 'LOC', 'MISC', 'EVENT', 'DATE']);
    assert.deepEqual(after.slice(0, 2), before);
    const without = resolveLabels(['ORG']);
    assert.equal(without[0].color, before[1].color);
  });

  it('are the same in every project: the colour follows the name, not the list', () => {
    assert.equal(resolveLabels(['x', 'drug'])[1].color, resolveLabels(['y', 'drug'])[1].color);
  });

  it('mix with objects: a name never takes a colour or key an object holds', () => {
    const free = resolveLabels(['PER'])[0];
    const labels = resolveLabels(['PER', { name: 'drug', color: free.color.toUpperCase(), key: '1' }]);
    assert.deepEqual(labels[1], { name: 'drug', color: free.color, key: '1' });
    assert.notEqual(labels[0].color, free.color);
    assert.equal(labels[0].key, '2');
  });

  it('run out of keys after 36 labels without failing', () => {
    const labels = resolveLabels(Array.from({ length: 40 }, (_, i) => `L${i}`));
    assert.equal(labels[35].key, 'z');
    assert.equal(labels[36].key, '');
    assert.equal(new Set(labels.slice(0, 20).map((l) => l.color)).size, 20);
  });

  it('are accepted by project.json, mixed with objects; duplicates are refused with their line', () => {
    const text = '{\n  "labels": [\n    "PER",\n    {"name": "drug", "color": "#aa0000", "key": "d"}\n  ]\n}\n';
    const { project } = parseProjectFile(text, '/p/project.json');
    assert.deepEqual(
      project.labels.map((l) => [l.name, l.key]),
      [
        ['PER', '1'],
        ['drug', 'd'],
      ],
    );
    assert.throws(() => parseProjectFile('{\n  "labels": [\n    "PER",\n    "PER"\n  ]\n}\n', '/p/project.json'), {
      message: '/p/project.json:4: labels[1] "PER" is already the name of labels[0]',
    });
    assert.throws(() => parseProjectFile('{"labels": ["two words"]}', '/p/project.json'), /labels\[0\] "two words" does not match/);
    assert.throws(() => parseProjectFile('{"labels": [3]}', '/p/project.json'), /labels\[0\] must be a string or an object, found 3/);
  });
});

describe('labels that say what they cover', () => {
  it('keep a description and examples, and get a colour and key like a name when they leave them out', () => {
    const text = JSON.stringify(
      { labels: ['PER', { name: 'drug', description: 'medicines and active substances', examples: ['ibuprofen', 'aspirin'] }, { name: 'dose', key: 'd' }] },
      null,
      2,
    );
    const { project } = parseProjectFile(text, '/ws/.pasta/project.json');
    assert.deepEqual(project.labels[1], {
      ...resolveLabels(['PER', 'drug'])[1],
      description: 'medicines and active substances',
      examples: ['ibuprofen', 'aspirin'],
    });
    assert.deepEqual(
      project.labels.map((l) => l.key),
      ['1', '2', 'd'],
    );
  });

  it('refuses an empty description or an example that is not text, naming the line', () => {
    const text = '{\n  "labels": [\n    { "name": "drug", "examples": ["aspirin", 3] }\n  ]\n}\n';
    assert.throws(
      () => parseProjectFile(text, '/ws/.pasta/project.json'),
      /^InputError: \/ws\/\.pasta\/project\.json:3: labels\[0\]\.examples\[1\] must be a string, found 3$/,
    );
    const empty = '{ "labels": [{ "name": "drug", "description": "" }] }';
    assert.throws(() => parseProjectFile(empty, '/ws/.pasta/project.json'), /labels\[0\]\.description must not be empty/);
  });
});

describe('adding labels to the project', () => {
  it('creates project.json with only the names when there is none', async () => {
    const ws = workspace();
    const result = await addProjectLabels(ws, ['PER', 'ORG', 'PER']);
    assert.deepEqual(result, { added: ['PER', 'ORG'], createdProjectFile: true });
    assert.equal(describeAddedLabels(result), 'added the labels PER, ORG to .pasta/project.json (created it)');
    assert.deepEqual(JSON.parse(readFileSync(join(ws, '.pasta', 'project.json'), 'utf8')), { labels: ['PER', 'ORG'] });
  });

  it('appends to the labels written, keeping objects and other fields, and writes nothing when none is new', async () => {
    const ws = workspace();
    mkdirSync(join(ws, '.pasta'));
    const file = join(ws, '.pasta', 'project.json');
    writeFileSync(file, JSON.stringify({ labels: [{ name: 'drug', color: '#aa0000', key: 'd' }], task: 'token' }));
    const before = (await readProjectFile(ws)).project.labels;
    assert.deepEqual(await addProjectLabels(ws, ['drug', 'dose']), { added: ['dose'], createdProjectFile: false });
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { labels: [{ name: 'drug', color: '#aa0000', key: 'd' }, 'dose'], task: 'token' });
    assert.deepEqual((await readProjectFile(ws)).project.labels.slice(0, 1), before);
    const written = readFileSync(file, 'utf8');
    assert.deepEqual(await addProjectLabels(ws, ['dose']), { added: [], createdProjectFile: false });
    assert.equal(readFileSync(file, 'utf8'), written);
    assert.equal(describeAddedLabels({ added: [], createdProjectFile: false }), undefined);
  });

  it('writes the default labels out first when files are annotated with them', async () => {
    const ws = workspace();
    await new AnnotationStore(ws).save('a.txt', 'Ada went home.', [{ start: 0, end: 3, label: 'person' }]);
    await addProjectLabels(ws, ['PER']);
    const { project } = await readProjectFile(ws);
    assert.deepEqual(project.labels, [...DEFAULT_LABELS, { ...project.labels[6], name: 'PER' }]);
    assert.equal(project.labels[6].key, '7');
  });

  it('counts the spans whose labels the project lacks', async () => {
    const { project } = await readProjectFile(workspace());
    const missing = missingLabels(project, [
      {
        id: 'a',
        text: 'Ada at ACME',
        spans: [
          { start: 0, end: 3, label: 'PER' },
          { start: 7, end: 11, label: 'ORG' },
        ],
      },
      {
        id: 'b',
        text: 'Bo',
        spans: [
          { start: 0, end: 2, label: 'PER' },
          { start: 0, end: 2, label: 'person' },
        ],
      },
    ]);
    assert.deepEqual(
      [...missing],
      [
        ['PER', 2],
        ['ORG', 1],
      ],
    );
  });
});
