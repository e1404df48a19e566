// Bad input on the paths a newcomer takes, through the real `pasta` command: each ends in one line naming the file
// and the problem (exit 1), never a stack trace, a misleading line, or garbage output.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { writeTinyModel } from '../../helpers/tinyModel.js';
import { saveRandomAdapter } from '../export/exportFixture.js';
import { runPasta, tempWorkspaces } from './runPasta.js';

const workspace = tempWorkspaces('pasta-cli-newcomer-');
const CONLL = 'John\tB-PER\nlives\tO\nin\tO\nLondon\tB-LOC\n\nParis\tB-LOC\nis\tO\nnice\tO\n\nTom\tB-PER\nsaw\tO\nRome\tB-LOC\n';

/** The one line a bad input gives: exit 1 and stderr ending in `error: <line>`. */
function refusedWith(result: { status: number | null; stderr: string }, line: string): void {
  assert.equal(result.status, 1, result.stderr);
  assert.ok(result.stderr.endsWith(`error: ${line}\n`), result.stderr);
  assert.doesNotMatch(result.stderr, /internal error|\n\s+at /);
}

describe('bad input a newcomer meets', () => {
  let modelDir: string;
  before(async () => {
    modelDir = (await writeTinyModel(join(workspace(), 'bert'), 'bert')).dir;
  });

  it('predict with the only adapter broken names its file, not "no adapters"', async () => {
    const ws = workspace();
    await saveRandomAdapter(ws, 'ner', modelDir, { task: 'TOKEN_CLS', labels: ['PER', 'LOC'], slots: ['[CLS]', '[SEP]'], seed: 1 }, join(ws, 'cache'));
    const weights = join(ws, '.pasta', 'adapters', 'ner', 'adapter_model.safetensors');
    writeFileSync(weights, readFileSync(weights).subarray(0, 100));
    const result = runPasta(['predict', '--text', 'John lives in Paris'], { cwd: ws });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`^error: ${weights.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*truncated`, 'm'));
    assert.doesNotMatch(result.stderr, /no adapters/);
  });

  it('predict on a binary file refuses it in one line instead of tagging its bytes', async () => {
    const ws = workspace();
    await saveRandomAdapter(ws, 'ner', modelDir, { task: 'TOKEN_CLS', labels: ['PER', 'LOC'], slots: ['[CLS]', '[SEP]'], seed: 1 }, join(ws, 'cache'));
    copyFileSync(join(modelDir, 'model.safetensors'), join(ws, 'weights.txt'));
    const result = runPasta(['predict', 'weights.txt'], { cwd: ws });
    refusedWith(result, `${join(ws, 'weights.txt')}:1: is a binary file (it holds NUL bytes)`);
    assert.equal(result.stdout, '');
    const piped = runPasta(['predict'], { cwd: ws, input: readFileSync(join(ws, 'weights.txt'), 'latin1') });
    refusedWith(piped, 'stdin:1: is a binary stream (it holds NUL bytes)');
    assert.equal(piped.stdout, '');
    // Notepad's "Unicode": UTF-16 with a byte-order mark, which would otherwise read as text with NULs between letters.
    writeFileSync(join(ws, 'notes.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('John lives in Paris\n', 'utf16le')]));
    refusedWith(runPasta(['predict', 'notes.txt'], { cwd: ws }), `${join(ws, 'notes.txt')}: is UTF-16 text; save it as UTF-8`);
  });

  it('train refuses flags outside the limits project.json sets for the same field (a batch of 0 once crashed V8)', () => {
    const ws = workspace({ baseModel: modelDir });
    for (const [flag, value, problem] of [
      ['--batch-size', '0', 'must be at least 1, found 0'],
      ['--max-length', '3', 'must be at least 8, found 3'],
      ['--max-length', '4.5', 'must be an integer, found 4.5'],
      ['--epochs', '0', 'must be at least 1, found 0'],
    ]) {
      refusedWith(runPasta(['train', flag, value], { cwd: ws }), `pasta train: ${flag} ${problem} (see pasta train --help)`);
    }
  });

  it('import refuses a binary or UTF-16 file in one line naming it', () => {
    const ws = workspace();
    const blob = readFileSync(join(modelDir, 'model.safetensors'));
    writeFileSync(join(ws, 'b.conll'), Buffer.concat([Buffer.from('John\tB-PER\n\n'), blob]));
    refusedWith(runPasta(['import', 'b.conll'], { cwd: ws }), `${join(ws, 'b.conll')}:3: is a binary file (it holds NUL bytes)`);
    writeFileSync(join(ws, 'u.conll'), Buffer.from(`\ufeff${CONLL}`, 'utf16le'));
    refusedWith(runPasta(['import', 'u.conll'], { cwd: ws }), `${join(ws, 'u.conll')}: is UTF-16 text; save it as UTF-8`);
  });

  it('train warns that an annotated binary file is binary (not "stale") and trains on the rest', () => {
    const ws = workspace({ baseModel: modelDir, labels: ['PER', 'LOC'], hyperparameters: { epochs: 1, threads: 1, device: 'cpu' } });
    writeFileSync(join(ws, 'd.conll'), CONLL);
    assert.equal(runPasta(['import', 'd.conll'], { cwd: ws }).status, 0);
    const blob = readFileSync(join(modelDir, 'model.safetensors'));
    writeFileSync(join(ws, 'blob.txt'), blob);
    mkdirSync(join(ws, '.pasta', 'annotations'));
    writeFileSync(
      join(ws, '.pasta', 'annotations', 'blob.txt.json'),
      JSON.stringify({ version: 1, file: 'blob.txt', textSha256: '0'.repeat(64), spans: [{ start: 0, end: 3, label: 'PER', text: 'abc' }] }),
    );
    const result = runPasta(['train'], { cwd: ws });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`^warning: ${join(ws, 'blob.txt')}:1: is a binary file \\(it holds NUL bytes\\)$`, 'm'));
  });

  it('train refuses, in one line each: an empty annotations file alone, a label project.json lacks, a base missing a weight', async () => {
    const empty = workspace({ baseModel: modelDir });
    mkdirSync(join(empty, '.pasta', 'datasets'));
    writeFileSync(join(empty, '.pasta', 'datasets', 'a.jsonl'), '');
    refusedWith(runPasta(['train'], { cwd: empty }), `${join(empty, '.pasta')}: the dataset is empty`);

    // import adds the labels it meets to project.json: the dataset is edited by hand afterwards.
    const unknown = workspace({ baseModel: modelDir, labels: ['PER', 'LOC'] });
    writeFileSync(join(unknown, 'd.conll'), CONLL);
    assert.equal(runPasta(['import', 'd.conll'], { cwd: unknown }).status, 0);
    const dataset = join(unknown, '.pasta', 'datasets', 'd.jsonl');
    writeFileSync(dataset, readFileSync(dataset, 'utf8').replaceAll('"LOC"', '"CITY"'));
    const missing = runPasta(['train'], { cwd: unknown });
    assert.equal(missing.status, 1, missing.stderr);
    assert.match(missing.stderr, /project\.json: the data uses labels the project lacks: CITY \(3\)/);

    // model.safetensors whose header lost one tensor (the data section unchanged).
    const broken = join(workspace(), 'bert-missing-weight');
    mkdirSync(broken);
    for (const f of ['config.json', 'tokenizer_config.json', 'vocab.txt']) copyFileSync(join(modelDir, f), join(broken, f));
    const bytes = readFileSync(join(modelDir, 'model.safetensors'));
    const n = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString()) as Record<string, unknown>;
    delete header['bert.encoder.layer.1.output.dense.weight'];
    const text = Buffer.from(JSON.stringify(header));
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(text.length));
    writeFileSync(join(broken, 'model.safetensors'), Buffer.concat([length, text, bytes.subarray(8 + n)]));
    const ws = workspace({ baseModel: broken, labels: ['PER', 'LOC'] });
    writeFileSync(join(ws, 'd.conll'), CONLL);
    assert.equal(runPasta(['import', 'd.conll'], { cwd: ws }).status, 0);
    const result = runPasta(['train'], { cwd: ws });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`\\nerror: ${join(broken, 'model.safetensors')}: `));
    assert.doesNotMatch(result.stderr, /internal error/);
  });
});
