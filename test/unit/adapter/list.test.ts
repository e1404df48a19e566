import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { adapterDir, listAdapters, loadAdapter, removeAdapter, saveAdapter } from '../../../src/core/adapter/index.js';
import { fixtureConfig, fixtureTensors } from './adapterFixture.js';

const root = mkdtempSync(join(tmpdir(), 'pasta-adapter-list-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('listAdapters', () => {
  it('is empty for a workspace without adapters', async () => {
    assert.deepEqual(await listAdapters(join(root, 'empty')), { adapters: [], problems: [] });
  });

  it('summarises good adapters in name order and reports broken ones without failing', async () => {
    const ws = join(root, 'ws');
    const ner = fixtureConfig();
    const spam = fixtureConfig({ task: 'SEQ_CLS', labels: ['ham', 'spam'] });
    await saveAdapter(adapterDir(ws, 'ner'), ner, fixtureTensors(ner));
    await saveAdapter(adapterDir(ws, 'spam'), spam, fixtureTensors(spam));
    mkdirSync(adapterDir(ws, 'broken'));
    writeFileSync(join(adapterDir(ws, 'broken'), 'adapter_config.json'), '{"peft_type": "PASTA",\n');
    mkdirSync(join(ws, '.pasta', 'adapters', 'bad name'));

    const { adapters, problems } = await listAdapters(ws);
    assert.deepEqual(
      adapters.map(({ name, task, labels, created, base }) => ({ name, task, labels, created, base })),
      [
        { name: 'ner', task: 'TOKEN_CLS', labels: ['person', 'location'], created: ner.created, base: 'all-MiniLM-L6-v2' },
        { name: 'spam', task: 'SEQ_CLS', labels: ['ham', 'spam'], created: spam.created, base: 'all-MiniLM-L6-v2' },
      ],
    );
    assert.deepEqual(adapters[0].metrics, ner.metrics);
    assert.deepEqual(
      problems.map((p) => p.message.slice(ws.length)),
      [
        '/.pasta/adapters/bad name: folder name is not a valid adapter name (letters, digits, ., _ and -)',
        '/.pasta/adapters/broken/adapter_config.json:2: invalid JSON: expected a property name in double quotes, found the end of the file',
      ],
    );
  });

  it('recovers an adapter whose replacement was interrupted between its two renames', async () => {
    const ws = join(root, 'interrupted');
    const config = fixtureConfig();
    await saveAdapter(adapterDir(ws, 'ner'), config, fixtureTensors(config));
    renameSync(adapterDir(ws, 'ner'), join(ws, '.pasta', 'adapters', '.ner.previous'));
    const { adapters, problems } = await listAdapters(ws);
    assert.deepEqual(
      adapters.map((a) => a.name),
      ['ner'],
    );
    assert.deepEqual(problems, []);
    assert.ok(existsSync(join(adapterDir(ws, 'ner'), 'adapter_model.safetensors')));
    await loadAdapter(adapterDir(ws, 'ner'));
  });
});

describe('removeAdapter', () => {
  it('removes the folder, and says so when there is none', async () => {
    const ws = join(root, 'remove');
    const config = fixtureConfig();
    await saveAdapter(adapterDir(ws, 'ner'), config, fixtureTensors(config));
    await removeAdapter(ws, 'ner');
    assert.equal(existsSync(adapterDir(ws, 'ner')), false);
    await assert.rejects(removeAdapter(ws, 'ner'), { message: `${adapterDir(ws, 'ner')}: no adapter named 'ner'` });
    await assert.rejects(removeAdapter(ws, '../x'), {
      message: `${join(ws, '.pasta', 'adapters')}: "../x" is not a valid adapter name (a letter or digit, then letters, digits, '.', '_' or '-'; at most 100)`,
    });
  });
});
