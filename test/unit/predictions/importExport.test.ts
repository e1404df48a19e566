import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { exportWorkspaceAnnotations } from '../../../src/core/data/formats/annotationExport.js';
import { AnnotationStore } from '../../../src/core/data/annotationStore.js';
import { importNerDataset } from '../../../src/core/data/formats/datasetImport.js';

const CONLL = 'Tim\tB-person\nCook\tI-person\nvisited\tO\nBerlin\tB-location\n.\tO\n\nHello\tO\n';

function workspace(): string {
  return mkdtempSync(join(tmpdir(), 'pasta-import-'));
}

test('a CoNLL file becomes .pasta/datasets/<name>.jsonl and project.json dataSources include it; the input is left alone', async () => {
  const root = workspace();
  try {
    const input = join(root, 'in.conll');
    writeFileSync(input, CONLL);
    mkdirSync(join(root, '.pasta'));
    writeFileSync(join(root, '.pasta', 'project.json'), JSON.stringify({ dataSources: ['.pasta/annotations'] }));
    const result = await importNerDataset(root, input, { name: 'news' });
    assert.equal(result.relativeTarget, '.pasta/datasets/news.jsonl');
    assert.equal(result.documents, 2);
    assert.equal(result.addedToDataSources, true);
    const lines = readFileSync(result.target, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(lines[0], {
      text: 'Tim Cook visited Berlin .',
      spans: [
        { start: 0, end: 8, label: 'person' },
        { start: 17, end: 23, label: 'location' },
      ],
    });
    assert.deepEqual(lines[1], { text: 'Hello', spans: [] });
    assert.deepEqual(JSON.parse(readFileSync(join(root, '.pasta', 'project.json'), 'utf8')).dataSources, ['.pasta/annotations', '.pasta/datasets/news.jsonl']);
    assert.equal(readFileSync(input, 'utf8'), CONLL);
    await assert.rejects(importNerDataset(root, input, { name: 'news' }), /news\.jsonl: already exists/);
    writeFileSync(input, 'Tim\tI-person\nCook\tX-person\n');
    await assert.rejects(
      importNerDataset(root, input, { name: 'bad', force: true }),
      (err: Error) => err.message.startsWith(`${input}:`) && !err.message.includes('\n'),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('workspace annotations export to CoNLL BIOES and doccano JSONL', async () => {
  const root = workspace();
  try {
    writeFileSync(join(root, 'a.txt'), 'Tim Cook visited Berlin.\n');
    await new AnnotationStore(root).save('a.txt', 'Tim Cook visited Berlin.\n', [
      { start: 0, end: 8, label: 'person' },
      { start: 17, end: 23, label: 'location' },
    ]);
    const conll = await exportWorkspaceAnnotations(root, { kind: 'conll', scheme: 'BIOES' });
    assert.equal(conll.text, 'Tim\tB-person\nCook\tE-person\nvisited\tO\nBerlin\tS-location\n.\tO\n\n');
    const jsonl = await exportWorkspaceAnnotations(root, { kind: 'jsonl', style: 'doccano' });
    assert.deepEqual(JSON.parse(jsonl.text), {
      text: 'Tim Cook visited Berlin.\n',
      label: [
        [0, 8, 'person'],
        [17, 23, 'location'],
      ],
      meta: { file: 'a.txt' },
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
