import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { int8KernelSaturates } from '../../../src/core/engine/int8Kernel.js';
import { writeTinyModel } from '../../helpers/tinyModel.js';
import { saveRandomAdapter } from '../export/exportFixture.js';
import { runPasta, tempWorkspaces } from './runPasta.js';

const workspace = tempWorkspaces('pasta-cli-corpus-');
let ws: string;

const SENTENCES = [
  'john smith lives in paris',
  'the team went to new york today',
  'visit london and john',
  'a game in the city',
  'smith works at paris the team',
];

before(async () => {
  ws = workspace();
  const model = await writeTinyModel(join(ws, 'model'), 'bert');
  await saveRandomAdapter(ws, 'people', model.dir, { task: 'TOKEN_CLS', labels: ['PER', 'LOC'], slots: ['[CLS]', '[SEP]'], seed: 2 }, join(ws, 'cache'));
  await saveRandomAdapter(ws, 'topic', model.dir, { task: 'SEQ_CLS', labels: ['sport', 'travel'], slots: ['[CLS]', '[SEP]'], seed: 4 }, join(ws, 'cache'));
  mkdirSync(join(ws, 'corpus', 'more'), { recursive: true });
  writeFileSync(join(ws, 'corpus', 'a.txt'), SENTENCES[0]);
  writeFileSync(join(ws, 'corpus', 'b.bin'), Buffer.from([0x00, 0x01, 0x02]));
  writeFileSync(
    join(ws, 'corpus', 'c.jsonl'),
    `${JSON.stringify({ text: SENTENCES[1], id: 7 })}\nnot json\n{"txt": "x"}\n\n${JSON.stringify({ text: SENTENCES[2], meta: { batch: 3 } })}\n`,
  );
  writeFileSync(join(ws, 'corpus', 'more', 'd.txt'), SENTENCES[3]);
  writeFileSync(join(ws, 'corpus', '.hidden.txt'), 'not read');
});

const records = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { text: string; spans: unknown[]; meta: { source: string } });

describe('pasta predict over a corpus', () => {
  it('a directory: text files and JSONL records in order, other fields kept; bad records reported and skipped', () => {
    const { status, stdout, stderr } = runPasta(['predict', '--adapter', 'people', 'corpus'], { cwd: ws });
    assert.equal(status, 0, stderr);
    const out = records(stdout);
    assert.deepEqual(
      out.map((r) => r.meta.source),
      ['corpus/a.txt', 'corpus/c.jsonl:1', 'corpus/c.jsonl:5', 'corpus/more/d.txt'],
    );
    assert.deepEqual(
      out.map((r) => r.text),
      [SENTENCES[0], SENTENCES[1], SENTENCES[2], SENTENCES[3]],
    );
    assert.equal((out[1] as unknown as { id: number }).id, 7);
    assert.deepEqual(out[2].meta, { batch: 3, source: 'corpus/c.jsonl:5', adapter: 'people' });
    assert.equal(
      stderr,
      [
        `warning: ${join(ws, 'corpus', 'b.bin')}: is a binary file (it holds NUL bytes) (skipped)`,
        `warning: ${join(ws, 'corpus', 'c.jsonl')}:2: is not valid JSON (Unexpected token 'o', "not json" is not valid JSON) (skipped)`,
        `warning: ${join(ws, 'corpus', 'c.jsonl')}:3: "text" must be a string, found nothing (skipped)`,
        'tagged 4 records; 3 bad records skipped',
        '',
      ].join('\n'),
    );
    // The same spans as predicting the file alone.
    const alone = records(runPasta(['predict', '--adapter', 'people', '--format', 'jsonl', 'corpus/a.txt'], { cwd: ws }).stdout);
    assert.deepEqual(out[0].spans, alone[0].spans);
    assert.ok(
      out.some((r) => r.spans.length > 0),
      'a random head finds entities',
    );
  });

  it('JSON Lines on stdin to stdout, and a quoted glob', () => {
    const input = `${SENTENCES.map((text) => JSON.stringify({ text })).join('\n')}\n{"text": 5}\n`;
    const piped = runPasta(['predict', '--adapter', 'people', '--jsonl'], { cwd: ws, input });
    assert.equal(piped.status, 0, piped.stderr);
    assert.deepEqual(
      records(piped.stdout).map((r) => r.meta.source),
      ['stdin:1', 'stdin:2', 'stdin:3', 'stdin:4', 'stdin:5'],
    );
    assert.equal(piped.stderr, 'warning: stdin:6: "text" must be a string, found 5 (skipped)\ntagged 5 records; 1 bad records skipped\n');
    const globbed = runPasta(['predict', '--adapter', 'people', 'corpus/**/*.txt'], { cwd: ws });
    assert.deepEqual(
      records(globbed.stdout).map((r) => r.meta.source),
      ['corpus/a.txt', 'corpus/more/d.txt'],
    );
  });

  it('--out resumes: records already written are skipped, a cut-off last line is dropped and redone', () => {
    const input = join(ws, 'all.jsonl');
    writeFileSync(input, SENTENCES.map((text, i) => JSON.stringify({ text, n: i })).join('\n'));
    const out = join(ws, 'tagged.jsonl');
    const first = runPasta(['predict', '--adapter', 'people', 'all.jsonl', '--out', 'tagged.jsonl'], { cwd: ws });
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout, '');
    const complete = readFileSync(out, 'utf8');
    const lines = complete.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 5);
    // An interrupted run: two whole records and half of the third.
    writeFileSync(out, `${lines[0]}\n${lines[1]}\n${lines[2].slice(0, 20)}`);
    const resumed = runPasta(['predict', '--adapter', 'people', 'all.jsonl', '--out', 'tagged.jsonl'], { cwd: ws });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.equal(
      resumed.stderr,
      `warning: ${out}: dropped a last line cut short by an earlier run (20 bytes); its record is tagged again\ntagged 3 records into ${out}; 2 already there\n`,
    );
    assert.equal(readFileSync(out, 'utf8'), complete, 'the resumed file equals an uninterrupted run');
    const again = runPasta(['predict', '--adapter', 'people', 'all.jsonl', '--out', 'tagged.jsonl'], { cwd: ws });
    assert.equal(again.stderr, `tagged 0 records into ${out}; 5 already there\n`);
    assert.equal(readFileSync(out, 'utf8'), complete);
  });

  it('--precision int8: the same records with the base products in int8 (confidences near those of fp32, not equal), and says its weight bits', async () => {
    const input = `${SENTENCES.map((text) => JSON.stringify({ text })).join('\n')}\n`;
    const ran = (await int8KernelSaturates()) ? "7-bit weights: this CPU's integer kernel saturates" : '8-bit weights';
    const tag = (precision: string) => {
      const res = runPasta(['predict', '--adapter', 'people', '--jsonl', '--device', 'cpu', '--precision', precision], { cwd: ws, input });
      assert.equal(res.status, 0, res.stderr);
      assert.equal(res.stderr, `tagged 5 records\n${precision === 'int8' ? `predicted on cpu in int8 (${ran})\n` : ''}`);
      return records(res.stdout) as unknown as { text: string; spans: { confidence: number }[] }[];
    };
    const [fp32, int8] = [tag('fp32'), tag('int8')];
    assert.deepEqual(
      int8.map((r) => r.text),
      SENTENCES,
    );
    const confidences = (rs: typeof fp32) => rs.flatMap((r) => r.spans.map((s) => s.confidence));
    assert.notDeepEqual(confidences(int8), confidences(fp32), 'int8 ran: its confidences are not those of fp32');
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    assert.ok(Math.abs(mean(confidences(int8)) - mean(confidences(fp32))) < 0.1, `mean confidence ${mean(confidences(int8))} vs ${mean(confidences(fp32))}`);
    const refused = runPasta(['predict', '--adapter', 'people', '--jsonl', '--precision', 'int4'], { cwd: ws, input });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /fp32, int8/);
  });

  it('a text classification adapter: one label with its distribution per record', () => {
    const { status, stdout, stderr } = runPasta(['predict', '--adapter', 'topic', 'corpus/**/*.txt'], { cwd: ws });
    assert.equal(status, 0, stderr);
    const out = stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { label: string; probability: number; distribution: Record<string, number>; meta: { source: string } });
    assert.deepEqual(
      out.map((r) => r.meta.source),
      ['corpus/a.txt', 'corpus/more/d.txt'],
    );
    for (const r of out) {
      assert.ok(['sport', 'travel'].includes(r.label));
      assert.deepEqual(Object.keys(r.distribution), ['sport', 'travel']);
      assert.equal(r.probability, r.distribution[r.label]);
      assert.ok(Math.abs(r.distribution.sport + r.distribution.travel - 1) < 1e-3);
    }
  });

  it('refuses --text and non-JSONL formats in corpus mode, and an --out it did not write', () => {
    writeFileSync(join(ws, 'foreign.jsonl'), '{"text": "x"}\n');
    const cases: [string[], RegExp][] = [
      [['corpus', '--text', 'x'], /^error: pasta predict: --text is not for corpus mode/],
      [['corpus', '--format', 'conll'], /^error: pasta predict: corpus mode writes JSONL; drop --format or use --format jsonl/],
      [['corpus', '--out', 'foreign.jsonl'], new RegExp(`^error: ${join(ws, 'foreign.jsonl')}:1: is not a record this command wrote`)],
    ];
    for (const [args, expected] of cases) {
      const { status, stderr } = runPasta(['predict', '--adapter', 'people', ...args], { cwd: ws });
      assert.match(stderr, expected, args.join(' '));
      assert.equal(stderr.split('\n').length, 2, 'one line');
      assert.equal(status, 1);
    }
  });
});
