import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AnnotationStore, STALE_PROBLEM, reanchorSpans, sha256Text } from '../../../src/core/data/annotationStore.js';
import { InputError } from '../../../src/core/data/types.js';

const TEXT = 'Satya Nadella spoke in Seattle.\nMicrosoft released Windows 11 — 🚀 fast.\n';
const spanOf = (text: string, entity: string, label: string) => {
  const start = text.indexOf(entity);
  assert.ok(start >= 0, entity);
  return { start, end: start + entity.length, label };
};

describe('AnnotationStore', () => {
  let root: string;
  let store: AnnotationStore;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'pasta-store-'));
    store = new AnnotationStore(root);
    await mkdir(join(root, 'docs'), { recursive: true });
    await writeFile(join(root, 'docs', 'news.txt'), TEXT);
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('saves a sorted, diffable sidecar under .pasta/annotations and reads it back', async () => {
    const spans = [spanOf(TEXT, 'Windows 11', 'product'), spanOf(TEXT, 'Satya Nadella', 'person'), spanOf(TEXT, 'Seattle', 'location')];
    await store.save('docs/news.txt', TEXT, spans);
    const sidecarFile = join(root, '.pasta', 'annotations', 'docs', 'news.txt.json');
    const raw = await readFile(sidecarFile, 'utf8');
    const json = JSON.parse(raw);
    assert.equal(json.version, 1);
    assert.equal(json.file, 'docs/news.txt');
    assert.equal(json.textSha256, sha256Text(TEXT));
    assert.deepEqual(
      json.spans.map((s: { label: string }) => s.label),
      ['person', 'location', 'product'],
    );
    assert.equal(json.spans[2].text, 'Windows 11');
    // one span per line: a diff shows exactly the spans that changed
    assert.equal(raw.split('\n').filter((l) => l.includes('"label"')).length, 3);
    const state = await store.load('docs/news.txt', await store.readText('docs/news.txt'));
    assert.equal(state.status, 'fresh');
    assert.deepEqual(state.status === 'fresh' && state.spans, [
      { start: 0, end: 13, label: 'person' },
      { start: 23, end: 30, label: 'location' },
      spanOf(TEXT, 'Windows 11', 'product'),
    ]);
    // no temp files left behind by the atomic write
    assert.deepEqual(await readdir(join(root, '.pasta', 'annotations', 'docs')), ['news.txt.json']);
  });

  test('offsets are UTF-16 code units (an emoji counts two)', async () => {
    const text = '🚀 Tesla builds cars.';
    await writeFile(join(root, 'emoji.txt'), text);
    await store.save('emoji.txt', text, [{ start: 3, end: 8, label: 'corporation' }]);
    const json = JSON.parse(await readFile(store.sidecarPath('emoji.txt'), 'utf8'));
    assert.equal(json.spans[0].text, 'Tesla');
  });

  test('a leading BOM is not counted, as in VS Code', async () => {
    await writeFile(join(root, 'bom.txt'), '\ufeffParis is nice.');
    assert.equal(await store.readText('bom.txt'), 'Paris is nice.');
  });

  test('refuses overlapping spans and spans past the end of the text', async () => {
    await assert.rejects(
      store.save('docs/news.txt', TEXT, [
        { start: 0, end: 5, label: 'person' },
        { start: 3, end: 10, label: 'person' },
      ]),
      /overlaps/,
    );
    await assert.rejects(store.save('docs/news.txt', TEXT, [{ start: 0, end: 500, label: 'person' }]), /ends past the end/);
  });

  test('a changed file is reported stale, never applied, and re-anchoring is offered', async () => {
    const changed = 'Breaking: ' + TEXT.replace('Seattle', 'Redmond');
    const state = await store.load('docs/news.txt', changed);
    assert.equal(state.status, 'stale');
    if (state.status !== 'stale') return;
    assert.equal(state.problem, STALE_PROBLEM);
    assert.deepEqual(
      state.reanchor.spans.map((s) => changed.slice(s.start, s.end)),
      ['Satya Nadella', 'Windows 11'],
    );
    assert.deepEqual(
      state.reanchor.lost.map((s) => s.text),
      ['Seattle'],
    );
  });

  test('re-anchoring leaves a span whose text occurs twice nearby', () => {
    const result = reanchorSpans([{ start: 0, end: 5, label: 'location', text: 'Paris' }], 'Paris, Texas is not Paris.');
    assert.equal(result.spans.length, 0);
    assert.equal(result.lost.length, 1);
  });

  test('a corrupt sidecar is an error naming the file and line, and is left untouched', async () => {
    await writeFile(join(root, 'bad.txt'), 'Berlin');
    const sidecarFile = store.sidecarPath('bad.txt');
    await mkdir(join(root, '.pasta', 'annotations'), { recursive: true });
    const corrupt = '{\n  "version": 1,\n  "file": "bad.txt",\n  "spans": [\n    {"start": 0, "end": 6 "label": "location"}\n  ]\n}\n';
    await writeFile(sidecarFile, corrupt);
    await assert.rejects(store.load('bad.txt', 'Berlin'), (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.equal(err.file, sidecarFile);
      assert.equal(err.line, 5);
      assert.match(err.message, /bad\.txt\.json:5: invalid JSON/);
      assert.equal(err.message.split('\n').length, 1);
      return true;
    });
    assert.equal(await readFile(sidecarFile, 'utf8'), corrupt);
  });

  test('a sidecar with bad fields is an error naming the problem', async () => {
    await writeFile(
      store.sidecarPath('bad.txt'),
      JSON.stringify({ version: 1, file: 'bad.txt', textSha256: sha256Text('Berlin'), spans: [{ start: 4, end: 2, label: 'x' }] }),
    );
    await assert.rejects(store.load('bad.txt', 'Berlin'), /spans\[0\] needs integer offsets/);
  });

  test('loadAll returns fresh documents and reports stale and broken sidecars', async () => {
    await rm(store.sidecarPath('bad.txt'));
    await writeFile(join(root, 'stale.txt'), 'Apple sells the iPhone.');
    await store.save('stale.txt', 'Apple sells the iPhone.', [{ start: 0, end: 5, label: 'corporation' }]);
    await writeFile(join(root, 'stale.txt'), 'Today Apple sells the iPhone.');
    const { documents, problems } = await store.loadAll();
    assert.deepEqual(
      documents.map((d) => d.id),
      ['docs/news.txt', 'emoji.txt'],
    );
    assert.equal(documents[0].text, TEXT);
    assert.equal(documents[0].spans.length, 3);
    assert.deepEqual(
      problems.map((p) => p.message),
      [`stale.txt: ${STALE_PROBLEM}`],
    );
  });

  test('saving no spans removes the sidecar', async () => {
    await store.save('emoji.txt', '🚀 Tesla builds cars.', []);
    assert.deepEqual(await store.annotatedFiles(), ['docs/news.txt', 'stale.txt']);
  });

  test('refuses files outside the workspace', () => {
    assert.throws(() => store.sidecarPath('../elsewhere.txt'), /not inside the workspace/);
  });
});
