// Suggestions files as the review panel reads them: written and read back, refused with their name when malformed,
// not shown for another version of the text, and listed beside the adapter's predictions marked as the model's.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isFreshFor, readSuggestions, suggestionsFileOf, suggestionsPathFor, writeSuggestions } from '../../../src/core/preannotate/suggestionsFile.js';
import { parseHostMessage } from '../../../src/protocol/predictions.js';
import { reviewItems } from '../../../src/extension/predictions/review.js';

const root = mkdtempSync(join(tmpdir(), 'pasta-suggestions-'));
after(() => rmSync(root, { recursive: true, force: true }));

const TEXT = 'Ada Lovelace met Charles Babbage.\r\n';
const usage = { promptTokens: 120, completionTokens: 30, totalTokens: 150, cost: 0.002, requests: 1 };

describe('suggestions files', () => {
  it('are written and read back as they were, and are fresh only for the text they were made for', async () => {
    const written = suggestionsFileOf(
      'notes/a.txt',
      TEXT,
      [
        { start: 17, end: 32, label: 'person' },
        { start: 0, end: 12, label: 'person' },
      ],
      { source: { kind: 'language-model', model: 'm at http://x' }, problems: ['"Mars" (location) is not in the text'], usage },
    );
    await writeSuggestions(root, written);
    const read = await readSuggestions(root, 'notes/a.txt');
    assert.deepEqual(read, written);
    assert.deepEqual(
      read!.spans.map((s) => s.text),
      ['Ada Lovelace', 'Charles Babbage'],
    );
    assert.equal(isFreshFor(read!, TEXT), true);
    assert.equal(isFreshFor(read!, TEXT.replace('\r\n', '\n')), false);
    assert.equal(await readSuggestions(root, 'notes/none.txt'), undefined);
  });

  it('are refused in one line naming the file and the field when malformed', async () => {
    const file = suggestionsPathFor(root, 'bad.txt');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(
      file,
      JSON.stringify({
        ...suggestionsFileOf('bad.txt', TEXT, [], { source: { kind: 'language-model', model: 'm' }, problems: [], usage }),
        spans: [{ start: -1, end: 3, label: 'person', text: 'Ada' }],
      }),
    );
    await assert.rejects(
      readSuggestions(root, 'bad.txt'),
      (e: Error) => e.name === 'InputError' && e.message.startsWith(`${file}: spans.0.start: `) && !e.message.includes('\n'),
    );
    writeFileSync(file, '{"version": 1,');
    await assert.rejects(readSuggestions(root, 'bad.txt'), (e: Error) => e.message.startsWith(`${file}: is not valid JSON (`));
  });

  it("list beside the adapter's predictions in the review panel, marked as the language model's, minus rejected ones", () => {
    const adapter = { start: 0, end: 12, label: 'person', confidence: 0.7, adapter: 'ner' };
    const suggested = [
      { start: 0, end: 3, label: 'person', confidence: 1, adapter: 'm', source: 'language-model' as const },
      { start: 17, end: 32, label: 'person', confidence: 1, adapter: 'm', source: 'language-model' as const },
    ];
    const items = reviewItems(TEXT, [adapter, ...suggested], [], [{ start: 0, end: 3, label: 'person', text: 'Ada' }]);
    assert.deepEqual(
      items.map((i) => [i.text, i.source ?? 'adapter']),
      [
        ['Ada Lovelace', 'adapter'],
        ['Charles Babbage', 'language-model'],
      ],
    );
    const state = {
      file: 'a.txt',
      uri: 'file:///a.txt',
      status: 'ready',
      suggestedBy: 'Suggested by m: 150 tokens',
      items,
      labels: [],
      annotated: 0,
      rejected: 1,
    };
    assert.deepEqual(parseHostMessage({ type: 'state', state }), { type: 'state', state });
    assert.equal(typeof parseHostMessage({ type: 'state', state: { ...state, items: [{ ...items[1], source: 'someone' }] } }), 'string');
  });
});
