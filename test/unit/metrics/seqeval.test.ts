// Entity metrics against golden reports from Python seqeval (tools/reference/make_seqeval_fixtures.py).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { StrictScheme } from '../../../src/core/metrics/entities.js';
import { entityReport, pairwiseSum, toSeqevalDict, type SeqevalOptions } from '../../../src/core/metrics/seqeval.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/seqeval');
const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';

type Row = { precision: number | 'NaN'; recall: number | 'NaN'; 'f1-score': number | 'NaN'; support: number };
type Report = Record<string, Row>;

function assertSameReport(actual: Report, expected: Report, what: string): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${what}: rows`);
  for (const [name, row] of Object.entries(expected)) {
    for (const key of ['precision', 'recall', 'f1-score'] as const) {
      const want = row[key] === 'NaN' ? NaN : row[key];
      const got = actual[name][key] as number;
      if (Number.isNaN(want)) assert.ok(Number.isNaN(got), `${what} ${name} ${key}: expected NaN, got ${got}`);
      else assert.ok(Math.abs(got - want) <= 1e-12, `${what} ${name} ${key}: expected ${want}, got ${got}`);
    }
    assert.equal(actual[name].support, row.support, `${what} ${name} support`);
  }
}

interface WnutFixture {
  scheme: 'IOB2' | 'IOBES';
  tagset: string[];
  gold: string[];
  cases: { name: string; predicted: string[]; default: Report; strict: Report }[];
}

function decode(sentences: string[], tagset: string[]): string[][] {
  return sentences.map((s) => [...s].map((c) => tagset[DIGITS.indexOf(c)]));
}

for (const file of ['wnut17-dev-iob2.json', 'wnut17-dev-iobes.json']) {
  describe(`seqeval parity on ${file}`, () => {
    const fixture = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as WnutFixture;
    const gold = decode(fixture.gold, fixture.tagset);
    it('has the WNUT-17 dev sentences', () => assert.equal(gold.length, 1009));
    for (const c of fixture.cases) {
      const predicted = decode(c.predicted, fixture.tagset);
      it(`${c.name}: default mode`, () => {
        assertSameReport(toSeqevalDict(entityReport(gold, predicted)), c.default, c.name);
      });
      it(`${c.name}: strict ${fixture.scheme}`, () => {
        assertSameReport(toSeqevalDict(entityReport(gold, predicted, { mode: 'strict', scheme: fixture.scheme })), c.strict, c.name);
      });
    }
  });
}

describe('seqeval parity on edge cases', () => {
  const cases = JSON.parse(readFileSync(join(FIXTURES, 'edge-cases.json'), 'utf8')) as ({ name: string; gold: string[][]; predicted: string[][] } & Record<
    string,
    Report
  >)[];
  for (const c of cases) {
    const modes: [string, SeqevalOptions][] = [
      ['default', {}],
      ['strict_IOB2', { mode: 'strict', scheme: 'IOB2' }],
      ['strict_IOB1', { mode: 'strict', scheme: 'IOB1' }],
      ['strict_IOBES', { mode: 'strict', scheme: 'IOBES' }],
    ];
    for (const [key, options] of modes) {
      if (!c[key]) continue;
      it(`${c.name}: ${key}`, () => {
        assertSameReport(toSeqevalDict(entityReport(c.gold, c.predicted, options)), c[key], `${c.name} ${key}`);
      });
    }
  }
});

describe('seqeval parity on random sequences (odd tags in default mode, every strict scheme)', () => {
  type FuzzCase = { name: string; gold: string[][]; predicted: string[][]; default?: Report; scheme?: StrictScheme; strict?: Report };
  const cases = JSON.parse(readFileSync(join(FIXTURES, 'fuzz.json'), 'utf8')) as FuzzCase[];
  it(`matches all ${cases.length} cases`, () => {
    for (const c of cases) {
      const options: SeqevalOptions = c.scheme ? { mode: 'strict', scheme: c.scheme } : {};
      assertSameReport(toSeqevalDict(entityReport(c.gold, c.predicted, options)), (c.default ?? c.strict)!, c.name);
    }
  });
});

describe('entityReport', () => {
  it('counts correct and predicted entities per label', () => {
    const report = entityReport([['B-PER', 'I-PER', 'O', 'B-LOC']], [['B-PER', 'I-PER', 'B-LOC', 'O']]);
    assert.deepEqual(report.labels, ['LOC', 'PER']);
    assert.deepEqual(report.byLabel.PER, { precision: 1, recall: 1, f1: 1, support: 1, predicted: 1, correct: 1 });
    assert.deepEqual(report.byLabel.LOC, { precision: 0, recall: 0, f1: 0, support: 1, predicted: 1, correct: 0 });
    assert.deepEqual(report.micro, { precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
  });

  it('treats I- after O as an entity in default mode and not in strict IOB2', () => {
    const gold = [['O', 'B-PER', 'I-PER']];
    const predicted = [['O', 'I-PER', 'I-PER']];
    assert.equal(entityReport(gold, predicted).micro.f1, 1);
    assert.equal(entityReport(gold, predicted, { mode: 'strict', scheme: 'IOB2' }).micro.f1, 0);
  });

  it('accepts BIOES as a name of IOBES', () => {
    const gold = [['B-PER', 'E-PER', 'S-LOC']];
    assert.equal(entityReport(gold, gold, { mode: 'strict', scheme: 'BIOES' }).micro.f1, 1);
  });

  it('rejects mismatched lengths, strict mode without a scheme, and prefixes the scheme forbids', () => {
    assert.throws(() => entityReport([['O']], []), /gold has 1 sentences but predictions have 0/);
    assert.throws(() => entityReport([['O', 'O']], [['O']]), /sentence 0: gold has 2 tags but the prediction has 1/);
    assert.throws(() => entityReport([['O']], [['O']], { mode: 'strict' }), /needs a scheme/);
    assert.throws(
      () => entityReport([['O', 'E-PER']], [['O', 'O']], { mode: 'strict', scheme: 'IOB2' }),
      /sentence 0, token 1: tag "E-PER" has a prefix that IOB2 does not allow/,
    );
    assert.throws(() => entityReport([['X-PER']], [['O']], { mode: 'strict', scheme: 'IOB2' }), /tag "X-PER" has no I\/O\/B\/E\/S\/U\/L prefix/);
    assert.throws(() => entityReport([['']], [['O']]), /tag "" is empty/);
  });
});

describe('pairwiseSum', () => {
  it('sums like numpy: exact small sums and the blocked order for long arrays', () => {
    assert.equal(pairwiseSum([]), 0);
    assert.equal(pairwiseSum([1, 2, 3]), 6);
    // 0.1 summed 10 times: a plain loop gives 0.9999999999999999, numpy's unrolled order gives 1.
    assert.equal(pairwiseSum(new Array(10).fill(0.1)), 1);
  });
});
