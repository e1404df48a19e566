import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BACKGROUND_PASS_UNITS, nextPass, withoutPredicted } from '../../../src/core/prediction/predictionOrder.js';
import { lineUnits, unitsTouching } from '../../../src/core/prediction/textUnits.js';

// 100 lines "line 0" .. "line 99"; the screen shows lines 40-59.
const TEXT = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
const units = lineUnits(TEXT);
const lineOf = (u: { start: number }) => Number(TEXT.slice(u.start).split('\n')[0].slice(5));
const screen = [{ start: units[40].start, end: units[59].end }];

/** The passes that predict `outstanding` when nothing happens between them. */
function allPasses(outstanding: typeof units, visible: typeof screen, size?: number): number[][] {
  const passes: number[][] = [];
  for (let left = outstanding; left.length > 0;) {
    const pass = nextPass(left, visible, size);
    passes.push(pass.map(lineOf));
    left = withoutPredicted(left, pass);
  }
  return passes;
}

test('the lines on screen come first in one pass, then the rest nearest the screen first, a few lines a pass', () => {
  const passes = allPasses(units, screen, 10);
  assert.deepEqual(
    passes[0],
    Array.from({ length: 20 }, (_, i) => 40 + i),
  );
  // Below and above the screen alternate by distance: 60 and 39 are both one line away.
  assert.deepEqual(passes[1], [35, 36, 37, 38, 39, 60, 61, 62, 63, 64]);
  assert.ok(passes.slice(1).every((p) => p.length <= 10));
  assert.deepEqual(
    passes.flat().sort((a, b) => a - b),
    Array.from({ length: 100 }, (_, i) => i),
    'every line is predicted exactly once',
  );
  // The ends of the file, farthest from the screen, come last.
  assert.deepEqual(passes.at(-1), [0, 1, 2, 3, 4, 95, 96, 97, 98, 99]);
});

test('a scroll between passes makes the lines now on screen the next pass', () => {
  const first = nextPass(units, screen);
  let left = withoutPredicted(units, first);
  left = withoutPredicted(left, nextPass(left, screen));
  // The person scrolls to the end: lines 80-99 are on screen and outstanding.
  const end = [{ start: units[80].start, end: units[99].end }];
  assert.deepEqual(
    nextPass(left, end).map(lineOf),
    Array.from({ length: 20 }, (_, i) => 80 + i),
  );
});

test('an edit makes its lines outstanding again and they are predicted before the background lines', () => {
  // All predicted but lines 0-9 (background work left); the person types on line 50.
  const outstanding = units.slice(0, 10);
  const edited = { start: units[50].start + 2, end: units[50].start + 3 };
  const dirty = unitsTouching(units, [...outstanding, edited]);
  assert.deepEqual(nextPass(dirty, screen).map(lineOf), [50]);
  assert.deepEqual(
    nextPass(withoutPredicted(dirty, [units[50]]), screen).map(lineOf),
    Array.from({ length: 10 }, (_, i) => i),
  );
});

test('without a visible range the pass starts at the top of the file', () => {
  assert.deepEqual(
    nextPass(units, []).map(lineOf),
    Array.from({ length: BACKGROUND_PASS_UNITS }, (_, i) => i),
  );
});
