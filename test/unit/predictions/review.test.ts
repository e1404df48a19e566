import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHostMessage, parseWebviewMessage } from '../../../src/protocol/predictions.js';
import { Rejections, withoutRejected, type StateStore } from '../../../src/extension/predictions/rejections.js';
import { reviewItems, withAccepted } from '../../../src/extension/predictions/review.js';
import { rankByUncertainty } from '../../../src/extension/predictions/uncertainty.js';

const TEXT = 'Tim Cook visited Berlin.\nAngela Merkel met Apple.';
const span = (w: string, label: string, confidence = 0.5) => ({ start: TEXT.indexOf(w), end: TEXT.indexOf(w) + w.length, label, confidence, adapter: 'demo' });

function memento(): StateStore {
  const values = new Map<string, unknown>();
  return { get: <T>(k: string) => values.get(k) as T | undefined, update: async (k: string, v: unknown) => void values.set(k, v) };
}

test('the review list leaves out rejected and already annotated predictions and shows the line around each', () => {
  const predicted = [span('Berlin', 'location', 0.8), span('Tim Cook', 'person', 0.95), span('Apple', 'corporation', 0.4)];
  const items = reviewItems(
    TEXT,
    predicted,
    [{ start: TEXT.indexOf('Berlin'), end: TEXT.indexOf('Berlin') + 6, label: 'location' }],
    [{ ...span('Apple', 'corporation'), text: 'Apple' }],
  );
  assert.deepEqual(items, [{ start: 0, end: 8, label: 'person', confidence: 0.95, text: 'Tim Cook', before: '', after: ' visited Berlin.', line: 1 }]);
});

test('a rejection lapses once the words at its place change', async () => {
  const rejections = new Rejections(memento());
  await rejections.add('a.txt', TEXT, [span('Apple', 'corporation')]);
  assert.equal(rejections.of('a.txt').length, 1);
  assert.equal(rejections.of('b.txt').length, 0);
  assert.deepEqual(withoutRejected([span('Apple', 'corporation')], rejections.of('a.txt'), TEXT), []);
  assert.equal(withoutRejected([span('Apple', 'corporation')], rejections.of('a.txt'), TEXT.replace('Apple', 'Pears')).length, 1);
});

test('accepting one prediction replaces what it overlaps; accepting in bulk never overrides an annotation', () => {
  const annotated = [{ start: 0, end: 3, label: 'person' }];
  const tim = span('Tim Cook', 'person');
  const berlin = span('Berlin', 'location');
  assert.deepEqual(withAccepted(annotated, [tim], 'replace'), [{ start: 0, end: 8, label: 'person' }]);
  assert.deepEqual(withAccepted(annotated, [tim, berlin], 'keepAnnotations'), [annotated[0], { start: berlin.start, end: berlin.end, label: 'location' }]);
});

test('documents are ranked least certain first; documents without predictions last', () => {
  const ranked = rankByUncertainty([
    { file: 'b.txt', spans: [{ confidence: 0.9 }, { confidence: 0.7 }] },
    { file: 'a.txt', spans: [] },
    { file: 'c.txt', spans: [{ confidence: 0.3 }] },
  ]);
  assert.deepEqual(
    ranked.map((r) => [r.file, r.meanConfidence]),
    [
      ['c.txt', 0.3],
      ['b.txt', 0.8],
      ['a.txt', undefined],
    ],
  );
});

test('messages are validated on receipt', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'accept', start: 0, end: 3, label: 'person' }), { type: 'accept', start: 0, end: 3, label: 'person' });
  assert.match(parseWebviewMessage({ type: 'accept', start: 3, end: 3, label: 'person' }) as string, /start < end/);
  assert.match(parseWebviewMessage({ type: 'acceptAbove', threshold: 2 }) as string, /between 0 and 1/);
  assert.match(parseWebviewMessage({ type: 'eval' }) as string, /unknown message type/);
  assert.match(parseWebviewMessage('accept') as string, /not a message object/);
  assert.match(parseHostMessage({ type: 'state', state: { file: 'a.txt' } }) as string, /malformed/);
  assert.deepEqual(parseHostMessage({ type: 'notice', message: 'hi' }), { type: 'notice', message: 'hi' });
});

test('the context around a prediction is cut at whole words', () => {
  const text = 'Tim Cook said Apple will open a store in London, and more words follow here after that end.';
  const at = text.indexOf('London');
  const [item] = reviewItems(text, [{ start: at, end: at + 6, label: 'location', confidence: 0.2, adapter: 'demo' }], [], []);
  assert.equal(item.before, '…Cook said Apple will open a store in ');
  assert.equal(item.after, ', and more words follow here after that…');
});
