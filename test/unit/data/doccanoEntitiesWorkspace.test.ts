// doccano "entities" records through the workspace paths the extension uses: importNerDataset and
// exportWorkspaceAnnotations.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { exportWorkspaceAnnotations } from '../../../src/core/data/formats/annotationExport.js';
import { AnnotationStore } from '../../../src/core/data/annotationStore.js';
import { importNerDataset } from '../../../src/core/data/formats/datasetImport.js';
import { parseNerJsonl } from '../../../src/core/data/formats/jsonl.js';

test('a doccano "entities" file imports as a dataset, and annotations export as "entities" records that read back', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pasta-doccano-ws-'));
  try {
    const input = join(root, 'doccano.jsonl');
    writeFileSync(input, '{"id": 3, "text": "Tim 🍎 Cook", "entities": [{"id": 9, "label": "person", "start_offset": 0, "end_offset": 9}], "relations": []}\n');
    const result = await importNerDataset(root, input, { format: 'doccano-entities' });
    assert.equal(result.documents, 1);
    assert.deepEqual(JSON.parse(readFileSync(result.target, 'utf8')), { id: 3, text: 'Tim 🍎 Cook', spans: [{ start: 0, end: 9, label: 'person' }] });

    const text = 'Tim Cook 🍎 visited Berlin.\n';
    writeFileSync(join(root, 'a.txt'), text);
    await new AnnotationStore(root).save('a.txt', text, [
      { start: 0, end: 8, label: 'person' },
      { start: 20, end: 26, label: 'location' },
    ]);
    const jsonl = await exportWorkspaceAnnotations(root, { kind: 'jsonl', style: 'doccano-entities' });
    assert.deepEqual(JSON.parse(jsonl.text), {
      meta: { file: 'a.txt' },
      text,
      entities: [
        { id: 1, label: 'person', start_offset: 0, end_offset: 8 },
        { id: 2, label: 'location', start_offset: 19, end_offset: 25 },
      ],
      relations: [],
    });
    const [back] = parseNerJsonl(jsonl.text, 'export.jsonl');
    assert.deepEqual(back.spans, [
      { start: 0, end: 8, label: 'person' },
      { start: 20, end: 26, label: 'location' },
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
