// The CLI with doccano's "entities" records (import, export --jsonl-style doccano-entities, --format doccano-entities)
// and sentence-pair classification records (import), through the real `pasta` command.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runPasta, tempWorkspaces } from './runPasta.js';

const workspace = tempWorkspaces('pasta-cli-doccano-pairs-');

const ENTITIES =
  [
    {
      id: 1,
      text: 'Zoë 🎉 met Ada in Paris',
      entities: [
        { id: 5, label: 'person', start_offset: 0, end_offset: 3 },
        { id: 6, label: 'person', start_offset: 10, end_offset: 13 },
        { id: 7, label: 'location', start_offset: 17, end_offset: 22 },
      ],
      relations: [{ id: 1, from_id: 5, to_id: 6, type: 'met' }],
    },
    { id: 2, text: 'nothing here', entities: [], relations: [] },
  ]
    .map((r) => JSON.stringify(r))
    .join('\r\n') + '\r\n';

describe('pasta import/export with doccano "entities" records', () => {
  it('import reads them by content into the Prodigy-shaped dataset', () => {
    const ws = workspace();
    writeFileSync(join(ws, 'doccano.jsonl'), ENTITIES);
    const res = runPasta(['import', 'doccano.jsonl'], { cwd: ws });
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /^Imported 2 documents with 3 entities \(person 2, location 1\)/);
    const [first, second] = readFileSync(join(ws, '.pasta', 'datasets', 'doccano.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(first, {
      id: 1,
      text: 'Zoë 🎉 met Ada in Paris',
      spans: [
        { start: 0, end: 3, label: 'person' },
        { start: 10, end: 13, label: 'person' },
        { start: 17, end: 22, label: 'location' },
      ],
    });
    assert.deepEqual(second, { id: 2, text: 'nothing here', spans: [] });
  });

  it('--format doccano-entities refuses another shape, and a bad entity is one line naming file and line (exit 1)', () => {
    const ws = workspace();
    writeFileSync(join(ws, 'p.jsonl'), '{"text": "Ada", "spans": [{"start": 0, "end": 3, "label": "person"}]}\n');
    const shape = runPasta(['import', 'p.jsonl', '--format', 'doccano-entities'], { cwd: ws });
    assert.equal(shape.status, 1);
    assert.equal(
      shape.stderr,
      `error: ${join(ws, 'p.jsonl')}:1: is a prodigy record, but --format doccano-entities expects "entities": [{"label", "start_offset", "end_offset"}]\n`,
    );
    writeFileSync(
      join(ws, 'bad.jsonl'),
      '{"text": "Ada", "entities": []}\n{"text": "Ada", "entities": [{"id": 1, "label": "person", "start_offset": 2, "end_offset": 1}]}\n',
    );
    const bad = runPasta(['import', 'bad.jsonl'], { cwd: ws });
    assert.equal(bad.status, 1);
    assert.equal(bad.stderr, `error: ${join(ws, 'bad.jsonl')}:2: entity 0 (person): end_offset 1 is before start_offset 2\n`);
  });

  it('export --from keeps the shape read (ids and relations included), and --jsonl-style doccano-entities writes it', () => {
    const ws = workspace();
    writeFileSync(join(ws, 'doccano.jsonl'), ENTITIES);
    const same = runPasta(['export', '--from', 'doccano.jsonl', '-o', 'copy.jsonl'], { cwd: ws });
    assert.equal(same.status, 0, same.stderr);
    assert.equal(readFileSync(join(ws, 'copy.jsonl'), 'utf8'), ENTITIES.replace(/\r\n/g, '\n'));

    writeFileSync(
      join(ws, 'p.jsonl'),
      '{"text": "Ada 🎉 in Rome", "spans": [{"start": 0, "end": 3, "label": "person"}, {"start": 9, "end": 13, "label": "location"}]}\n',
    );
    const converted = runPasta(['export', '--from', 'p.jsonl', '-o', '-', '--format', 'jsonl', '--jsonl-style', 'doccano-entities'], { cwd: ws });
    assert.equal(converted.status, 0, converted.stderr);
    assert.equal(
      converted.stdout,
      '{"text":"Ada 🎉 in Rome","entities":[{"id":1,"label":"person","start_offset":0,"end_offset":3},{"id":2,"label":"location","start_offset":9,"end_offset":13}],"relations":[]}\n',
    );
  });

  it('--help lists the format and describes the shape', () => {
    // --help wraps its lines: compare with single spaces.
    const help = (command: string) => runPasta([command, '--help'], { cwd: tmpdir() }).stdout.replace(/\s+/g, ' ');
    const importHelp = help('import');
    assert.match(importHelp, /--format <format> .*\(one of: auto, conll, prodigy, doccano, doccano-entities, jsonl;/);
    assert.match(
      importHelp,
      /\{"text", "entities": \[\{"id", "label", "start_offset", "end_offset"\}\], "relations": \[\.\.\.\]\} \(format doccano-entities\)/,
    );
    assert.match(importHelp, /sentence pairs \{"text", "text_pair", "label"\}/);
    assert.match(help('export'), /--jsonl-style <style> Record shape of JSONL output \(one of: prodigy, doccano, doccano-entities;/);
    assert.match(help('predict'), /Sentence-pair adapters/);
    assert.match(help('train'), /"text_pair": true/);
  });
});

describe('pasta import with sentence pairs', () => {
  const project = {
    task: 'sequence',
    labels: [
      { name: 'same', color: '#00ff00', key: 's' },
      { name: 'other', color: '#ff0000', key: 'o' },
    ],
  };

  it('reads text/text_pair and GLUE namings, writes text/text_pair', () => {
    const ws = workspace(project);
    writeFileSync(
      join(ws, 'glue.jsonl'),
      '{"idx": 0, "sentence1": "It rains.", "sentence2": "It is raining.", "label": "same"}\n{"idx": 1, "sentence1": "It rains.", "sentence2": "I like 🍕.", "label": ["other"]}\n',
    );
    const res = runPasta(['import', 'glue.jsonl'], { cwd: ws });
    assert.equal(res.stderr, '');
    assert.equal(res.status, 0);
    assert.match(res.stdout, /^Imported 2 sentence pairs \(same 1, other 1\)/);
    assert.equal(
      readFileSync(join(ws, '.pasta', 'datasets', 'glue.jsonl'), 'utf8'),
      '{"text":"It rains.","text_pair":"It is raining.","idx":0,"label":"same"}\n{"text":"It rains.","text_pair":"I like 🍕.","idx":1,"label":"other"}\n',
    );
  });

  it('refuses a file mixing single texts and pairs with one line naming the file and line', () => {
    const ws = workspace(project);
    writeFileSync(join(ws, 'mixed.jsonl'), '{"text": "a", "text_pair": "b", "label": "same"}\n{"text": "c", "label": "other"}\n');
    const res = runPasta(['import', 'mixed.jsonl'], { cwd: ws });
    assert.equal(res.status, 1);
    assert.equal(
      res.stderr,
      `error: ${join(ws, 'mixed.jsonl')}:2: is a single text, but line 1 is a sentence pair; a dataset holds single texts or sentence pairs, not both\n`,
    );
  });
});
