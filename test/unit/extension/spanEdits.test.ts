import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sameSpans, withSpan, withoutSpansAt } from '../../../src/extension/annotate/spanEdits.js';

const spans = [
  { start: 0, end: 5, label: 'person' },
  { start: 10, end: 15, label: 'location' },
];

test('withSpan adds in order and replaces what it overlaps', () => {
  assert.deepEqual(
    withSpan(spans, { start: 6, end: 9, label: 'group' }).map((s) => s.label),
    ['person', 'group', 'location'],
  );
  assert.deepEqual(withSpan(spans, { start: 3, end: 12, label: 'product' }), [{ start: 3, end: 12, label: 'product' }]);
  assert.deepEqual(withSpan(spans, { start: 0, end: 5, label: 'group' })[0], { start: 0, end: 5, label: 'group' });
});

test('withoutSpansAt removes the span under the caret or touching the range', () => {
  assert.deepEqual(withoutSpansAt(spans, 3, 3), [spans[1]]);
  assert.deepEqual(withoutSpansAt(spans, 15, 15), [spans[0]]);
  assert.deepEqual(withoutSpansAt(spans, 7, 8), spans);
  assert.deepEqual(withoutSpansAt(spans, 4, 11), []);
});

test('sameSpans compares offsets and labels', () => {
  assert.ok(
    sameSpans(
      spans,
      spans.map((s) => ({ ...s })),
    ),
  );
  assert.ok(!sameSpans(spans, [spans[0]]));
  assert.ok(!sameSpans(spans, [spans[0], { ...spans[1], label: 'group' }]));
});
