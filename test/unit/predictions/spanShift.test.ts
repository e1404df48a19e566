import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shiftSpans } from '../../../src/extension/predictions/spanShift.js';
import { lineUnits, unitsTouching } from '../../../src/core/prediction/textUnits.js';

const TEXT = 'Tim Cook visited Berlin.\n\nAngela Merkel met Apple.\n';
const at = (w: string) => ({ start: TEXT.indexOf(w), end: TEXT.indexOf(w) + w.length, label: w });

test('spans before an edit stay, spans after it move, spans it touches are dropped', () => {
  const spans = [at('Tim Cook'), at('Berlin'), at('Angela Merkel'), at('Apple')];
  // "visited" -> "flew to"
  const edit = { rangeOffset: TEXT.indexOf('visited'), rangeLength: 7, text: 'flew to' };
  const same = shiftSpans(spans, [edit]);
  assert.deepEqual(same.spans, spans);
  // Typing inside "Berlin" drops it; everything after moves by +3.
  const typed = shiftSpans(spans, [{ rangeOffset: TEXT.indexOf('Berlin') + 3, rangeLength: 0, text: 'xyz' }]);
  assert.deepEqual(
    typed.spans.map((s) => s.label),
    ['Tim Cook', 'Angela Merkel', 'Apple'],
  );
  assert.equal(typed.spans[1].start, at('Angela Merkel').start + 3);
  assert.deepEqual(typed.changed, [{ start: TEXT.indexOf('Berlin') + 3, end: TEXT.indexOf('Berlin') + 6 }]);
});

test('an insertion at a span start moves it; one at its end leaves it', () => {
  const berlin = at('Berlin');
  assert.deepEqual(shiftSpans([berlin], [{ rangeOffset: berlin.start, rangeLength: 0, text: 'Old ' }]).spans, [
    { ...berlin, start: berlin.start + 4, end: berlin.end + 4 },
  ]);
  assert.deepEqual(shiftSpans([berlin], [{ rangeOffset: berlin.end, rangeLength: 0, text: 's' }]).spans, [berlin]);
});

test('several edits of one event (multi-cursor) apply from the last to the first', () => {
  const spans = [at('Tim Cook'), at('Angela Merkel'), at('Apple')];
  const edits = [
    { rangeOffset: 0, rangeLength: 0, text: '>> ' },
    { rangeOffset: TEXT.indexOf('Angela'), rangeLength: 0, text: '>> ' },
  ];
  const { spans: out, changed } = shiftSpans(spans, edits);
  assert.deepEqual(
    out.map((s) => [s.start, s.end]),
    [
      [3, 11],
      [at('Angela Merkel').start + 6, at('Angela Merkel').end + 6],
      [at('Apple').start + 6, at('Apple').end + 6],
    ],
  );
  assert.deepEqual(
    changed.sort((a, b) => a.start - b.start),
    [
      { start: 0, end: 3 },
      { start: at('Angela Merkel').start + 3, end: at('Angela Merkel').start + 6 },
    ],
  );
});

test('the lines an edit touches are the ones predicted again', () => {
  const units = lineUnits(TEXT);
  assert.deepEqual(
    units.map((u) => TEXT.slice(u.start, u.end)),
    ['Tim Cook visited Berlin.', 'Angela Merkel met Apple.'],
  );
  assert.deepEqual(unitsTouching(units, [{ start: TEXT.indexOf('Merkel'), end: TEXT.indexOf('Merkel') }]), [units[1]]);
  assert.deepEqual(unitsTouching(units, [{ start: 25, end: 25 }]), []);
  assert.deepEqual(lineUnits('a\r\n  \r\nb'), [
    { start: 0, end: 1 },
    { start: 7, end: 8 },
  ]);
});
