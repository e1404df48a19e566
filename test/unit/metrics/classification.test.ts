import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accuracy, classificationReport, macroF1 } from '../../../src/core/metrics/classification.js';

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-15, `expected ${expected}, got ${actual}`);

describe('classificationReport (scikit-learn definitions)', () => {
  // gold:      spam spam spam ham ham ham ham other
  // predicted: spam ham  spam ham spam ham ham ham
  // spam: tp 2, predicted 3, gold 3 -> P 2/3, R 2/3, F1 2/3
  // ham:  tp 3, predicted 5, gold 4 -> P 3/5, R 3/4, F1 2/3
  // other: tp 0, predicted 0, gold 1 -> P 0 (undefined), R 0, F1 0
  const gold = ['spam', 'spam', 'spam', 'ham', 'ham', 'ham', 'ham', 'other'];
  const predicted = ['spam', 'ham', 'spam', 'ham', 'spam', 'ham', 'ham', 'ham'];
  const report = classificationReport(gold, predicted);

  it('computes accuracy and per-label scores', () => {
    assert.equal(report.accuracy, 5 / 8);
    assert.deepEqual(report.labels, ['ham', 'other', 'spam']);
    close(report.byLabel.spam.precision, 2 / 3);
    close(report.byLabel.spam.f1, 2 / 3);
    close(report.byLabel.ham.precision, 3 / 5);
    close(report.byLabel.ham.recall, 3 / 4);
    close(report.byLabel.ham.f1, 2 / 3);
    assert.deepEqual(report.byLabel.other, { precision: 0, recall: 0, f1: 0, support: 1, predicted: 0, correct: 0 });
  });

  it('averages macro over labels and weighted by support', () => {
    close(report.macro.f1, 4 / 9);
    close(report.weighted.f1, 7 / 12);
    assert.equal(report.macro.support, 8);
    close(macroF1(gold, predicted), 4 / 9);
  });

  it('gives F1 as the harmonic mean when precision and recall differ', () => {
    // a: tp 1, predicted 1, gold 2 -> P 1, R 1/2, F1 2/3; b: tp 1, predicted 2, gold 1 -> P 1/2, R 1, F1 2/3
    const r = classificationReport(['a', 'a', 'b'], ['a', 'b', 'b']);
    close(r.byLabel.a.f1, 2 / 3);
    close(r.byLabel.b.f1, 2 / 3);
    close(r.macro.precision, 3 / 4);
    assert.equal(accuracy(['a', 'a', 'b'], ['a', 'b', 'b']), 2 / 3);
  });

  it('scores only the given labels when a label list is passed', () => {
    const r = classificationReport(['x', 'y', 'z'], ['x', 'z', 'z'], ['x', 'y']);
    assert.deepEqual(r.labels, ['x', 'y']);
    close(r.macro.f1, 0.5);
    assert.equal(r.accuracy, 2 / 3);
  });

  it('handles empty input and rejects mismatched lengths', () => {
    const r = classificationReport([], []);
    assert.equal(r.accuracy, 0);
    assert.equal(r.macro.f1, 0);
    assert.throws(() => classificationReport(['a'], []), /gold has 1 labels but predictions have 0/);
  });
});
