// doccano's newer entity export, {"text", "entities": [{"id", "label", "start_offset", "end_offset"}], "relations"}:
// read, written back in the shape read, converted to and from the other shapes, and its errors.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readNerFile } from '../../../src/core/data/formats/dataFiles.js';
import { parseNerJsonl, readNerJsonl, type JsonlNerDocument } from '../../../src/core/data/formats/jsonl.js';
import { formatNerJsonl, writeNerJsonl } from '../../../src/core/data/formats/jsonlWrite.js';
import { InputError } from '../../../src/core/data/types.js';

const dir = mkdtempSync(join(tmpdir(), 'pasta-doccano-entities-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Emoji (astral, so code point and UTF-16 offsets differ), a flag (two code points), a combining accent
// ("Zoe" + U+0308) and a CRLF inside a text; the file itself has CRLF line ends.
const TEXT = 'I ❤️ 🍕 in Zürich 🇨🇭 with Zoë';
const COMBINING = 'Zoe\u0308 met Ada\r\nin Paris';
const RECORDS = [
  {
    id: 7,
    text: TEXT,
    entities: [
      { id: 11, label: 'FOOD', start_offset: 5, end_offset: 6 },
      { id: 12, label: 'GPE', start_offset: 10, end_offset: 16 },
      { id: 13, label: 'PER', start_offset: 25, end_offset: 28 },
    ],
    relations: [{ id: 3, from_id: 13, to_id: 12, type: 'lives_in' }],
    Comments: ['checked'],
  },
  {
    id: 8,
    text: COMBINING,
    entities: [
      { id: 21, label: 'PER', start_offset: 0, end_offset: 4 },
      { id: 22, label: 'GPE', start_offset: 17, end_offset: 22 },
    ],
    relations: [],
  },
  { id: 9, text: 'nothing here', entities: [], relations: [] },
];
const FILE_TEXT = RECORDS.map((r) => JSON.stringify(r)).join('\r\n') + '\r\n';
const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
const comparable = (docs: JsonlNerDocument[]) => docs.map((d) => ({ text: d.text, spans: d.spans, format: d.format, record: d.source.record }));

describe('doccano-entities JSONL', () => {
  it('reads entities with code point offsets into UTF-16 spans, keeping the record', async () => {
    const file = join(dir, 'entities.jsonl');
    writeFileSync(file, FILE_TEXT);
    const [first, second, third] = await readNerJsonl(file);
    assert.equal(first.format, 'doccano-entities');
    assert.equal(first.id, `${file}:1`);
    assert.deepEqual(
      first.spans.map((s) => [TEXT.slice(s.start, s.end), s.label]),
      [
        ['🍕', 'FOOD'],
        ['Zürich', 'GPE'],
        ['Zoë', 'PER'],
      ],
    );
    assert.deepEqual(
      second.spans.map((s) => COMBINING.slice(s.start, s.end)),
      ['Zoe\u0308', 'Paris'],
    );
    assert.deepEqual(third.spans, []);
    assert.equal(third.format, 'doccano-entities');
  });

  it('round trips: import -> export -> import is exact, and the export equals the input but for line ends', async () => {
    const file = join(dir, 'entities.jsonl');
    writeFileSync(file, FILE_TEXT);
    const read = await readNerJsonl(file);
    const out = join(dir, 'entities-out.jsonl');
    await writeNerJsonl(out, read);
    const written = readFileSync(out, 'utf8');
    assert.equal(written, FILE_TEXT.replace(/\r\n/g, '\n'));
    assert.deepEqual(comparable(await readNerJsonl(out)), comparable(read));
  });

  it('keeps ids of unchanged entities, numbers new ones after them and drops relations to removed ones', () => {
    const [doc] = parseNerJsonl(FILE_TEXT, 'e.jsonl');
    const edited = { ...doc, spans: [doc.spans[0], doc.spans[2], { start: 0, end: 1, label: 'PRON' }] };
    const [record] = lines(formatNerJsonl([edited]));
    assert.deepEqual(record, {
      id: 7,
      text: TEXT,
      entities: [
        { id: 11, label: 'FOOD', start_offset: 5, end_offset: 6 },
        { id: 13, label: 'PER', start_offset: 25, end_offset: 28 },
        { id: 14, label: 'PRON', start_offset: 0, end_offset: 1 },
      ],
      relations: [],
      Comments: ['checked'],
    });
  });

  it('converts to and from Prodigy and doccano\'s older "label" shape', () => {
    const documents = parseNerJsonl(FILE_TEXT, 'e.jsonl');
    const prodigy = lines(formatNerJsonl(documents, { format: 'prodigy' }));
    assert.deepEqual(prodigy[0], {
      id: 7,
      text: TEXT,
      Comments: ['checked'],
      spans: [
        { start: 5, end: 6, label: 'FOOD' },
        { start: 10, end: 16, label: 'GPE' },
        { start: 25, end: 28, label: 'PER' },
      ],
    });
    assert.deepEqual(prodigy[2], { id: 9, text: 'nothing here', spans: [] }, 'annotated with no entities stays annotated');
    const doccano = lines(formatNerJsonl(documents, { format: 'doccano' }));
    assert.deepEqual(doccano[1], {
      id: 8,
      text: COMBINING,
      label: [
        [0, 4, 'PER'],
        [17, 22, 'GPE'],
      ],
    });

    const fromProdigy = parseNerJsonl(formatNerJsonl(documents, { format: 'prodigy' }), 'p.jsonl');
    const back = lines(formatNerJsonl(fromProdigy, { format: 'doccano-entities' }));
    assert.deepEqual(back[0].entities, [
      { id: 1, label: 'FOOD', start_offset: 5, end_offset: 6 },
      { id: 2, label: 'GPE', start_offset: 10, end_offset: 16 },
      { id: 3, label: 'PER', start_offset: 25, end_offset: 28 },
    ]);
    assert.deepEqual(back[0].relations, []);
    assert.equal('spans' in back[0], false);
    assert.deepEqual(
      comparable(parseNerJsonl(formatNerJsonl(fromProdigy, { format: 'doccano-entities' }), 'x')).map((d) => d.spans),
      documents.map((d) => d.spans),
    );
  });

  it('names the file, the line and the problem', () => {
    const record = (entities: unknown) => `{"text": "Ada Lovelace", "entities": ${JSON.stringify(entities)}}\n`;
    const cases: [string, string][] = [
      [record({}), 'f.jsonl:1: "entities" must be a list, found {}'],
      [record([[0, 3, 'PER']]), 'f.jsonl:1: entity 0: expected an object with start_offset, end_offset and label, found [0,3,"PER"]'],
      ['\n' + record([{ label: 'PER', end_offset: 3 }]), 'f.jsonl:2: entity 0 (PER): "start_offset" is missing'],
      [record([{ label: 'PER', start_offset: 0 }]), 'f.jsonl:1: entity 0 (PER): "end_offset" is missing'],
      [record([{ label: 'PER', start_offset: '0', end_offset: 3 }]), 'f.jsonl:1: entity 0 (PER): "start_offset" must be an integer, found "0"'],
      [record([{ label: 'PER', start_offset: 5, end_offset: 3 }]), 'f.jsonl:1: entity 0 (PER): end_offset 3 is before start_offset 5'],
      [
        record([
          { label: 'PER', start_offset: 0, end_offset: 3 },
          { label: 'PER', start_offset: 4, end_offset: 40 },
        ]),
        'f.jsonl:1: entity 1 (PER): end_offset 40 is outside the text (12 characters)',
      ],
      [record([{ label: '', start_offset: 0, end_offset: 3 }]), 'f.jsonl:1: entity 0: the label must be a non-empty string, found ""'],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => parseNerJsonl(text, 'f.jsonl'),
        (e: unknown) => e instanceof InputError && e.message === message,
        message,
      );
    }
  });

  it('refuses a label the project does not know, when the labels are known', () => {
    const text = `{"text": "Ada", "entities": [{"id": 1, "label": "PER", "start_offset": 0, "end_offset": 3}]}\n{"text": "Rome", "entities": [{"id": 2, "label": "CITY", "start_offset": 0, "end_offset": 4}]}\n`;
    assert.equal(parseNerJsonl(text, 'f.jsonl').length, 2);
    assert.throws(() => parseNerJsonl(text, 'f.jsonl', { labels: ['PER', 'LOC'] }), { message: 'f.jsonl:2: entity 0: label "CITY" is not one of PER, LOC' });
  });

  it('is detected by content, and --format doccano-entities checks that every record has that shape', async () => {
    const file = join(dir, 'mixed.jsonl');
    writeFileSync(file, `${JSON.stringify(RECORDS[0])}\n${JSON.stringify({ text: 'Ada', spans: [{ start: 0, end: 3, label: 'PER' }] })}\n`);
    const auto = await readNerFile(file, { format: 'auto' });
    assert.deepEqual(
      (auto.documents as JsonlNerDocument[]).map((d) => d.format),
      ['doccano-entities', 'prodigy'],
    );
    await assert.rejects(readNerFile(file, { format: 'doccano-entities' }), {
      message: `${file}:2: is a prodigy record, but --format doccano-entities expects "entities": [{"label", "start_offset", "end_offset"}]`,
    });
    await assert.rejects(readNerFile(file, { format: 'auto', labels: ['FOOD', 'GPE'] }), {
      message: `${file}:1: entity 2: label "PER" is not one of FOOD, GPE`,
    });
  });
});
