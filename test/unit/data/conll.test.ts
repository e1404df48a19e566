import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { formatConll, parseConll, parseConllSentences, readConll, writeConll } from '../../../src/core/data/formats/conll.js';
import { InputError, type NerDocument } from '../../../src/core/data/types.js';
import { skipIfMissing } from '../../helpers/requirements.js';

/** WNUT-17 in the shared data sets beside the checkout or a folder above it (worktrees live deeper). */
const WNUT = (() => {
  for (let dir = resolve(import.meta.dirname, '../../../..'); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'datasets', 'wnut17');
    if (existsSync(candidate) || dirname(dir) === dir) return candidate;
  }
})();
const dir = mkdtempSync(join(tmpdir(), 'pasta-conll-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function labelCounts(documents: NerDocument[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const d of documents) for (const s of d.spans) counts[s.label] = (counts[s.label] ?? 0) + 1;
  return counts;
}

function withoutIds(documents: NerDocument[]) {
  return documents.map(({ text, spans }) => ({ text, spans }));
}

describe(
  'WNUT-17 import',
  { skip: skipIfMissing(!existsSync(WNUT) && `no WNUT-17 data set in shared/datasets/wnut17 beside the checkout or above it`) },
  () => {
    it('reads train: 3394 sentences, entities per label, and round trips tokens and tags exactly', async () => {
      const file = join(WNUT, 'train.conll');
      const documents = await readConll(file);
      assert.equal(documents.length, 3394);
      assert.deepEqual(labelCounts(documents), { location: 548, group: 264, corporation: 221, person: 660, 'creative-work': 140, product: 142 });
      assert.equal(documents[0].id, `${file}:1`);
      assert.equal(documents[0].text.slice(documents[0].spans[0].start, documents[0].spans[0].end), 'Empire State Building');

      const out = join(dir, 'train.conll');
      await writeConll(out, documents);
      const original = parseConllSentences(readFileSync(file, 'utf8'), file);
      const again = parseConllSentences(readFileSync(out, 'utf8'), out);
      assert.deepEqual(
        again.map((s) => [s.tokens, s.tags]),
        original.map((s) => [s.tokens, s.tags]),
      );
      assert.deepEqual(withoutIds(await readConll(out)), withoutIds(documents));
    });

    it('reads dev: 1009 sentences, and keeps the token with a trailing U+FEFF', async () => {
      const documents = await readConll(join(WNUT, 'dev.conll'));
      assert.equal(documents.length, 1009);
      assert.deepEqual(labelCounts(documents), { location: 74, 'creative-work': 105, person: 470, product: 114, group: 39, corporation: 34 });
      assert.ok(documents.some((d) => d.text.split(' ').includes('Dubbz\uFEFF')));
      assert.deepEqual(withoutIds(parseConll(formatConll(documents), 'again')), withoutIds(documents));
    });

    it('reads test (1287 sentences) only when told how to read its multi-tags and its one I- after O', async () => {
      const file = join(WNUT, 'test.conll');
      await assert.rejects(readConll(file), {
        message: `${file}:212: tag "B-corporation,B-person,B-location" holds 3 tags (read with multiTag 'first' to keep the first)`,
      });
      await assert.rejects(readConll(file, { multiTag: 'first' }), {
        message: `${file}:18829: tag "I-creative-work" follows "O": I-creative-work must continue a creative-work entity`,
      });
      const documents = await readConll(file, { multiTag: 'first', strict: false });
      assert.equal(documents.length, 1287);
      assert.deepEqual(labelCounts(documents), { location: 123, group: 102, corporation: 108, person: 354, 'creative-work': 230, product: 62 });
      // "Gurez B-corporation,B-person,B-location / sector I-location": the alternative that the next tag continues.
      const gurez = documents.find((d) => d.id === `${file}:201`)!;
      assert.deepEqual(
        gurez.spans.map((s) => [gurez.text.slice(s.start, s.end), s.label]),
        [
          ['avalanche site', 'location'],
          ['Gurez sector', 'location'],
        ],
      );
      assert.deepEqual(withoutIds(parseConll(formatConll(documents), 'again')), withoutIds(documents));
    });
  },
);

describe('CoNLL import', () => {
  it('reads multi-column space-separated files with -DOCSTART- and a chosen tag column', () => {
    const text = [
      '-DOCSTART- -X- -X- O',
      '',
      'EU NNP B-NP B-ORG',
      'rejects VBZ B-VP O',
      'German JJ B-NP B-MISC',
      '',
      'Peter NNP B-NP B-PER',
      'Blackburn NNP I-NP I-PER',
      '',
    ].join('\n');
    const documents = parseConll(text, 'news.conll');
    assert.deepEqual(documents, [
      {
        id: 'news.conll:3',
        text: 'EU rejects German',
        spans: [
          { start: 0, end: 2, label: 'ORG' },
          { start: 11, end: 17, label: 'MISC' },
        ],
      },
      { id: 'news.conll:7', text: 'Peter Blackburn', spans: [{ start: 0, end: 15, label: 'PER' }] },
    ]);
    const chunks = parseConll(text, 'news.conll', { tagColumn: 2 });
    assert.deepEqual(chunks[0].spans, [
      { start: 0, end: 2, label: 'NP' },
      { start: 3, end: 10, label: 'VP' },
      { start: 11, end: 17, label: 'NP' },
    ]);
  });

  it('round trips emoji, combining characters and CRLF input with UTF-16 offsets', async () => {
    const input = [
      'I\tO',
      '❤️\tB-emoji',
      '👩‍👩‍👧\tI-emoji',
      'Zoë\tB-person',
      'Cafe\u0301\tB-location',
      '',
      '😂\tO',
      'New\tB-location',
      'York\tI-location',
      '',
      '',
    ].join('\r\n');
    const file = join(dir, 'unicode.conll');
    writeFileSync(file, input);
    const documents = await readConll(file);
    const [first, second] = documents;
    assert.equal(first.text, 'I ❤️ 👩‍👩‍👧 Zoë Cafe\u0301');
    assert.deepEqual(first.spans, [
      { start: 2, end: 13, label: 'emoji' },
      { start: 14, end: 17, label: 'person' },
      { start: 18, end: 23, label: 'location' },
    ]);
    assert.equal(first.text.slice(2, 13), '❤️ 👩‍👩‍👧');
    assert.deepEqual(second.spans, [{ start: 3, end: 11, label: 'location' }]);
    assert.equal(second.text.slice(3, 11), 'New York');

    const out = join(dir, 'unicode-out.conll');
    await writeConll(out, documents);
    const written = readFileSync(out, 'utf8');
    assert.equal(written, input.replaceAll('\r\n', '\n'));
    await writeConll(out, documents, { eol: '\r\n' });
    assert.equal(readFileSync(out, 'utf8'), input);
  });

  it('reads and writes IOB1 and BIOES', () => {
    const iob1 = 'a\tI-X\nb\tI-X\nc\tB-X\nd\tO\n\n';
    const documents = parseConll(iob1, 'iob1.conll', { scheme: 'IOB1' });
    assert.deepEqual(documents[0].spans, [
      { start: 0, end: 3, label: 'X' },
      { start: 4, end: 5, label: 'X' },
    ]);
    assert.equal(formatConll(documents, { scheme: 'IOB1' }), iob1);
    assert.equal(formatConll(documents, { scheme: 'BIOES', separator: ' ' }), 'a B-X\nb E-X\nc S-X\nd O\n\n');
    assert.deepEqual(parseConll(formatConll(documents, { scheme: 'BIOES' }), 'x', { scheme: 'BIOES' })[0].spans, documents[0].spans);
  });

  it('names the file and line of every malformed line', () => {
    const cases: [string, string][] = [
      ['a\tO\nb\n', 'f.conll:2: found 1 columns where line 1 has 2'],
      ['a\n', 'f.conll:1: expected a token and a tag in the last column, found 1 column'],
      ['a\tO\n\tO\n', 'f.conll:2: the token column is empty'],
      ['a\tO\nb\t\n', 'f.conll:2: the tag column is empty'],
      ['a\u00a0b\tO\n', 'f.conll:1: token "a\u00a0b" contains whitespace (U+00A0)'],
      ['a\tO\nb\tI-PER\n', 'f.conll:2: tag "I-PER" follows "O": I-PER must continue a PER entity'],
      ['a\tB-PER\nb\tPER\n', 'f.conll:2: tag "PER" is neither O nor B- or I-<label> (scheme IOB2)'],
      ['a\tB-X,B-Y\n', `f.conll:1: tag "B-X,B-Y" holds 2 tags (read with multiTag 'first' to keep the first)`],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => parseConll(text, 'f.conll'),
        (error: unknown) => error instanceof InputError && error.message === message,
        message,
      );
    }
    assert.throws(() => parseConll('a\tO\n', 'f.conll', { tagColumn: 5 }), { message: 'f.conll:1: expected a token and a tag in column 6, found 2 columns' });
  });
});

describe('CoNLL export', () => {
  const doc = (text: string, spans: NerDocument['spans']): NerDocument => ({ id: 'notes.md', text, spans });

  it('splits text into words on any whitespace', () => {
    const documents = [doc('Ada  Lovelace\twrote\nnotes', [{ start: 0, end: 13, label: 'PER' }])];
    assert.equal(formatConll(documents), 'Ada\tB-PER\nLovelace\tI-PER\nwrote\tO\nnotes\tO\n\n');
  });

  it('names the document and span that cannot be written', () => {
    const cases: [NerDocument, string][] = [
      [doc('Ada Lovelace', [{ start: 0, end: 5, label: 'PER' }]), 'notes.md: span 0..5 PER "Ada L" does not fall on word boundaries'],
      [doc('Ada Lovelace', [{ start: 1, end: 3, label: 'PER' }]), 'notes.md: span 1..3 PER "da" does not fall on word boundaries'],
      [doc('Ada Lovelace', [{ start: 0, end: 3, label: 'A B' }]), 'notes.md: span 0..3 A B "Ada" has a label that is empty or contains whitespace'],
      [
        doc('Ada Lovelace', [
          { start: 0, end: 12, label: 'PER' },
          { start: 4, end: 12, label: 'X' },
        ]),
        'notes.md: span 4..12 X "Lovelace" overlaps span 0..12 PER "Ada Lovelace"',
      ],
      [doc('  ', []), 'notes.md: has no words; CoNLL cannot hold an empty sentence'],
      [doc('x -DOCSTART-', []), 'notes.md: has the word -DOCSTART-, which CoNLL reads as a document marker'],
    ];
    for (const [document, message] of cases) {
      assert.throws(
        () => formatConll([document]),
        (error: unknown) => error instanceof InputError && error.message === message,
        message,
      );
    }
  });
});
