import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { AnnotationStore } from '../../../src/core/data/annotationStore.js';
import { readProjectFile } from '../../../src/core/project/projectFile.js';

const root = join(__dirname, '..', '..', '..', 'samples', 'workspace');

test('the sample workspace is fully annotated, fresh, and uses only the project labels', async () => {
  const store = new AnnotationStore(root);
  const labels = new Set((await readProjectFile(root)).project.labels.map((l) => l.name));
  assert.deepEqual([...labels].sort(), ['corporation', 'creative-work', 'group', 'location', 'person', 'product']);
  const { documents, problems } = await store.loadAll();
  assert.deepEqual(
    problems.map((p) => p.message),
    [],
  );
  assert.ok(documents.length >= 8 && documents.length <= 12, `${documents.length} documents`);
  const sentences = documents.reduce((n, d) => n + d.text.split('\n').filter((l) => l.trim()).length, 0);
  assert.ok(sentences >= 80 && sentences <= 120, `${sentences} sentences`);
  const used = new Set(documents.flatMap((d) => d.spans.map((s) => s.label)));
  assert.deepEqual([...used].sort(), [...labels].sort());
  for (const d of documents) {
    for (const s of d.spans) {
      const covered = d.text.slice(s.start, s.end);
      assert.equal(covered.trim(), covered, `${d.id}: span ${s.start}-${s.end} has surrounding space`);
      assert.ok(!covered.includes('\n'), `${d.id}: span ${s.start}-${s.end} crosses a line`);
    }
  }
});
