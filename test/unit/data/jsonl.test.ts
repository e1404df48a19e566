import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { offsetConverter } from '../../../src/core/data/formats/codePointOffsets.js';
import { parseClassificationJsonl, parseNerJsonl, readClassificationJsonl, readNerJsonl } from '../../../src/core/data/formats/jsonl.js';
import { formatNerJsonl, writeClassificationJsonl, writeNerJsonl } from '../../../src/core/data/formats/jsonlWrite.js';
import { InputError, type NerDocument } from '../../../src/core/data/types.js';

const dir = mkdtempSync(join(tmpdir(), 'pasta-jsonl-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// "I ❤️ 🍕 in Zürich 🇨🇭 with Zoë": Python (code point) offsets as Prodigy and doccano write them.
const TEXT = 'I ❤️ 🍕 in Zürich 🇨🇭 with Zoë';
const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

const prodigy =
  [
    JSON.stringify({
      text: TEXT,
      _input_hash: -123,
      spans: [
        { start: 5, end: 6, label: 'FOOD', token_start: 2, token_end: 2 },
        { start: 10, end: 16, label: 'GPE' },
        { start: 25, end: 28, label: 'PERSON' },
      ],
      answer: 'accept',
      meta: { source: 'x' },
    }),
    JSON.stringify({ text: 'no entities here' }),
  ].join('\n') + '\n';
const doccano =
  [
    JSON.stringify({
      id: 7,
      text: TEXT,
      label: [
        [5, 6, 'FOOD'],
        [10, 16, 'GPE'],
      ],
      Comments: [],
    }),
    JSON.stringify({ id: 8, text: 'nothing', label: [] }),
  ].join('\r\n') + '\r\n';

describe('NER JSONL', () => {
  it('converts Prodigy code point offsets to UTF-16 offsets', async () => {
    const file = join(dir, 'prodigy.jsonl');
    writeFileSync(file, prodigy);
    const [first, second] = await readNerJsonl(file);
    assert.equal(first.id, `${file}:1`);
    assert.equal(first.format, 'prodigy');
    assert.deepEqual(
      first.spans.map((s) => [TEXT.slice(s.start, s.end), s.label]),
      [
        ['🍕', 'FOOD'],
        ['Zürich', 'GPE'],
        ['Zoë', 'PERSON'],
      ],
    );
    assert.deepEqual(first.spans[2], { start: 28, end: 31, label: 'PERSON' });
    assert.deepEqual(second.spans, []);
  });

  it('round trips Prodigy records exactly, other fields and per-span fields included', async () => {
    const file = join(dir, 'prodigy.jsonl');
    writeFileSync(file, prodigy);
    const out = join(dir, 'prodigy-out.jsonl');
    await writeNerJsonl(out, await readNerJsonl(file));
    assert.equal(readFileSync(out, 'utf8'), prodigy);
  });

  it('reads doccano records (CRLF) and round trips them', async () => {
    const file = join(dir, 'doccano.jsonl');
    writeFileSync(file, doccano);
    const documents = await readNerJsonl(file);
    assert.equal(documents[0].format, 'doccano');
    assert.deepEqual(
      documents[0].spans.map((s) => TEXT.slice(s.start, s.end)),
      ['🍕', 'Zürich'],
    );
    const out = join(dir, 'doccano-out.jsonl');
    await writeNerJsonl(out, documents);
    assert.deepEqual(lines(readFileSync(out, 'utf8')), lines(doccano));
  });

  it('converts between Prodigy and doccano', () => {
    const fromDoccano = parseNerJsonl(doccano, 'd.jsonl');
    assert.deepEqual(lines(formatNerJsonl(fromDoccano, { format: 'prodigy' }))[0], {
      id: 7,
      text: TEXT,
      Comments: [],
      spans: [
        { start: 5, end: 6, label: 'FOOD' },
        { start: 10, end: 16, label: 'GPE' },
      ],
    });
    const fromProdigy = parseNerJsonl(prodigy, 'p.jsonl');
    assert.deepEqual(lines(formatNerJsonl(fromProdigy, { format: 'doccano' }))[0].label, [
      [5, 6, 'FOOD'],
      [10, 16, 'GPE'],
      [25, 28, 'PERSON'],
    ]);
  });

  it('writes documents from elsewhere with code point offsets', () => {
    const document: NerDocument = { id: 'notes.md', text: '😂 Ada', spans: [{ start: 3, end: 6, label: 'PER' }] };
    assert.equal(formatNerJsonl([document]), '{"text":"😂 Ada","spans":[{"start":2,"end":5,"label":"PER"}]}\n');
    assert.throws(() => formatNerJsonl([{ ...document, spans: [{ start: 1, end: 6, label: 'PER' }] }]), {
      message: 'notes.md: span 1..6 PER is outside the text or splits a character',
    });
  });

  it('names the file and line of malformed records', () => {
    const cases: [string, string][] = [
      ['{"text": "a"}\n{oops\n', `f.jsonl:2: invalid JSON: `],
      ['[1, 2]\n', 'f.jsonl:1: expected a JSON object, found [1,2]'],
      ['{"spans": []}\n', 'f.jsonl:1: "text" must be a string, found nothing'],
      ['{"text": "abc", "spans": {}}\n', 'f.jsonl:1: "spans" must be a list, found {}'],
      ['{"text": "abc", "spans": [{"start": 0, "end": 9, "label": "X"}]}\n', 'f.jsonl:1: span 0 (X): end 9 is outside the text (3 characters)'],
      ['{"text": "abc", "spans": [{"start": 0.5, "end": 1, "label": "X"}]}\n', 'f.jsonl:1: span 0 (X): "start" must be an integer, found 0.5'],
      ['{"text": "abc", "spans": [{"start": 0, "end": 1}]}\n', 'f.jsonl:1: span 0: the label must be a non-empty string, found nothing'],
      ['\n\n{"text": "abc", "label": [[0, 1]]}\n', 'f.jsonl:3: label 0: expected [start, end, label], found [0,1]'],
      ['{"text": "abc", "label": "POS"}\n', 'f.jsonl:1: "label" must be a list of [start, end, label], found "POS" (a classification record?)'],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => parseNerJsonl(text, 'f.jsonl'),
        (error: unknown) => error instanceof InputError && error.message.startsWith(message) && (message.endsWith(': ') || error.message === message),
        message,
      );
    }
  });
});

describe('classification JSONL', () => {
  const input =
    [JSON.stringify({ text: 'win money now 💰', label: 'spam', meta: { id: 1 } }), JSON.stringify({ id: 2, text: 'see you at lunch', label: ['ham'] })].join(
      '\n',
    ) + '\n';

  it('reads plain and doccano labels and round trips them', async () => {
    const file = join(dir, 'cls.jsonl');
    writeFileSync(file, input);
    const records = await readClassificationJsonl(file);
    assert.deepEqual(
      records.map((r) => [r.id, r.label, r.labelShape]),
      [
        [`${file}:1`, 'spam', 'string'],
        [`${file}:2`, 'ham', 'array'],
      ],
    );
    const out = join(dir, 'cls-out.jsonl');
    await writeClassificationJsonl(out, records);
    assert.equal(readFileSync(out, 'utf8'), input);
    await writeClassificationJsonl(out, records, { labelShape: 'array' });
    assert.deepEqual(lines(readFileSync(out, 'utf8'))[0].label, ['spam']);
    await writeClassificationJsonl(out, [{ id: 'x', text: 'hi', label: 'ham' }]);
    assert.equal(readFileSync(out, 'utf8'), '{"text":"hi","label":"ham"}\n');
  });

  it('names the file and line of malformed records', () => {
    assert.throws(() => parseClassificationJsonl('{"text": "a", "label": ["x", "y"]}\n', 'c.jsonl'), {
      message: 'c.jsonl:1: has 2 labels; single-label classification needs exactly one',
    });
    assert.throws(() => parseClassificationJsonl('{"text": "a"}\n', 'c.jsonl'), {
      message: 'c.jsonl:1: "label" must be a non-empty string or a list of one, found nothing',
    });
  });
});

describe('code point offsets', () => {
  it('maps both ways and refuses offsets inside a surrogate pair', () => {
    const o = offsetConverter('a😂b');
    assert.equal(o.codePointLength, 3);
    assert.deepEqual(
      [0, 1, 2, 3].map((c) => o.toUtf16(c)),
      [0, 1, 3, 4],
    );
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((u) => o.toCodePoint(u)),
      [0, 1, undefined, 2, 3],
    );
    assert.equal(o.toUtf16(4), undefined);
    assert.equal(offsetConverter('abc').toCodePoint(2), 2);
  });
});
