import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../../../src/core/data/types.js';
import { classLabels, loadClassificationData } from '../../../src/core/project/classificationData.js';
import { readProjectFile } from '../../../src/core/project/projectFile.js';
import { classificationLines, makeSequenceWorkspace } from './sequenceWorkspace.js';

const label = (name: string, key: string) => ({ name, color: '#123456', key });
const records = (...labels: string[]) => labels.map((l, i) => ({ id: `f.jsonl:${i + 1}`, text: 'x', label: l }));

describe('class names of a sequence project', () => {
  it('come from project.json, in its order, when any of its labels occurs in the data', () => {
    assert.deepEqual(classLabels(['spam', 'ham', 'unsure'], records('ham', 'spam')), { labels: ['spam', 'ham', 'unsure'], source: 'project' });
  });

  it('come from the data, sorted by code point, when none of the project labels occurs (e.g. the default entity labels)', () => {
    assert.deepEqual(classLabels(['person', 'location'], records('spam', 'Ham', 'ham', 'spam')), { labels: ['Ham', 'ham', 'spam'], source: 'data' });
  });
});

describe('loadClassificationData', () => {
  it('reads plain and doccano-shaped records, splits dev by the seeded fraction, and takes the classes from the data', async () => {
    const ws = await makeSequenceWorkspace();
    try {
      const { project } = await readProjectFile(ws.root);
      const data = await loadClassificationData(ws.root, project);
      assert.deepEqual(data.labels, ['city', 'sports']);
      assert.equal(data.labelSource, 'data');
      assert.equal(data.train.length, 18);
      assert.equal(data.dev.length, 6);
      assert.ok(data.train.every((r) => r.label === 'city' || r.label === 'sports'));
      const again = await loadClassificationData(ws.root, project);
      assert.deepEqual(
        again.dev.map((r) => r.id),
        data.dev.map((r) => r.id),
      );
      assert.match(data.fingerprint, /^sha256:[0-9a-f]{64}$/);
    } finally {
      await rm(ws.root, { recursive: true, force: true });
    }
  });

  it("refuses a label outside the project's classes with one line naming the file and the line", async () => {
    const lines = classificationLines();
    lines[4] = JSON.stringify({ text: 'rain in london', label: 'weather' });
    const ws = await makeSequenceWorkspace({ labels: [label('sports', '1'), label('city', '2')] }, lines);
    try {
      const { project } = await readProjectFile(ws.root);
      await assert.rejects(loadClassificationData(ws.root, project), (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.equal(
          error.message,
          `${ws.datasetFile}:5: label "weather" is not one of the project's classes (sports, city); add it to .pasta/project.json "labels" or fix the record`,
        );
        return true;
      });
    } finally {
      await rm(ws.root, { recursive: true, force: true });
    }
  });

  it('refuses a CoNLL source, one class only, and no records, naming project.json', async () => {
    const ws = await makeSequenceWorkspace({ dataSources: ['data/train.conll'] });
    try {
      const { project, file } = await readProjectFile(ws.root);
      await assert.rejects(loadClassificationData(ws.root, project), {
        message: `${file}: data source "data/train.conll" is CoNLL (token labels); a "sequence" project reads JSONL records {"text", "label"}`,
      });
      await assert.rejects(
        loadClassificationData(ws.root, { ...project, dataSources: [{ path: 'none/*.jsonl', format: 'jsonl' }] }),
        (e: unknown) => e instanceof InputError && e.message.startsWith(`${file}: no classification records found in none/*.jsonl`),
      );
    } finally {
      await rm(ws.root, { recursive: true, force: true });
    }
    const single = await makeSequenceWorkspace(
      {},
      classificationLines().filter((l) => l.includes('sports')),
    );
    try {
      const { project, file } = await readProjectFile(single.root);
      await assert.rejects(loadClassificationData(single.root, project), {
        message: `${file}: the data has only one class (sports); text classification needs at least two`,
      });
    } finally {
      await rm(single.root, { recursive: true, force: true });
    }
  });

  it('names the file and line of a malformed record', async () => {
    const lines = classificationLines();
    lines[2] = JSON.stringify({ text: 'two labels', label: ['city', 'sports'] });
    const ws = await makeSequenceWorkspace({}, lines);
    try {
      const { project } = await readProjectFile(ws.root);
      await assert.rejects(loadClassificationData(ws.root, project), {
        message: `${join(ws.root, '.pasta', 'datasets', 'topics.jsonl')}:3: has 2 labels; single-label classification needs exactly one`,
      });
    } finally {
      await rm(ws.root, { recursive: true, force: true });
    }
  });
});
