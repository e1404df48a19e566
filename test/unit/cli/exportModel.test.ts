import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { adapterDir } from '../../../src/core/adapter/index.js';
import { writeTinyModel } from '../../helpers/tinyModel.js';
import { saveRandomAdapter } from '../export/exportFixture.js';
import { runPasta, tempWorkspaces } from './runPasta.js';

const workspace = tempWorkspaces('pasta-cli-export-model-');
let ws: string;

before(async () => {
  ws = workspace();
  const model = await writeTinyModel(join(ws, 'model'), 'bert');
  const other = await writeTinyModel(join(ws, 'other-model'), 'bert', { seed: 9 });
  const fixture = { task: 'TOKEN_CLS' as const, labels: ['person'], slots: ['[CLS]', '[SEP]'], seed: 1 };
  await saveRandomAdapter(ws, 'people', model.dir, fixture, join(ws, 'cache'));
  // Trained on `other-model`'s weights, but naming `model`: same shapes, other weights.
  renameBase('mismatch', await saveRandomAdapter(ws, 'mismatch', other.dir, fixture, join(ws, 'cache')), model.dir);
  renameBase('orphan', await saveRandomAdapter(ws, 'orphan', model.dir, fixture, join(ws, 'cache')), join(ws, 'gone'));
  await saveRandomAdapter(ws, 'places', model.dir, { ...fixture, labels: ['location', 'group'], seed: 2 }, join(ws, 'cache'));
  await saveRandomAdapter(ws, 'spam', model.dir, { ...fixture, task: 'SEQ_CLS', labels: ['ham', 'spam'] }, join(ws, 'cache'));
  await saveRandomAdapter(ws, 'elsewhere', other.dir, fixture, join(ws, 'cache'));
});

function renameBase(name: string, config: object, base: string): void {
  writeFileSync(join(adapterDir(ws, name), 'adapter_config.json'), JSON.stringify({ ...config, base_model_name_or_path: base }, null, 2));
}

describe('pasta export-model', () => {
  it('--help documents every flag', () => {
    const { status, stdout } = runPasta(['export-model', '--help'], { cwd: ws });
    assert.equal(status, 0);
    for (const flag of ['--adapter', '--adapters', '--out', '--triton', '--quantize', '--max-f1-drop']) assert.match(stdout, new RegExp(flag));
    assert.match(stdout, /ORTModelForTokenClassification/);
  });

  it('writes the folder and lists its files, exit 0', () => {
    const { status, stdout, stderr } = runPasta(['export-model', '--adapter', 'people', '--out', 'people-onnx'], { cwd: ws });
    assert.equal(stderr, '');
    assert.equal(status, 0);
    const out = join(ws, 'people-onnx');
    assert.match(stdout, new RegExp(`^Exported adapter people to ${out}\n`));
    for (const f of ['model.onnx', 'config.json', 'README.md', 'vocab.txt']) assert.ok(stdout.includes(join(out, f)) && existsSync(join(out, f)), f);
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).architectures, ['BertForTokenClassification']);
    assert.deepEqual(
      readdirSync(ws).filter((f) => f.includes('partial')),
      [],
      'no staging folder left behind',
    );
  });

  it('refuses an existing folder, a missing or different base, and a missing flag: exit 1, one line', () => {
    mkdirSync(join(ws, 'taken'));
    const cases: [string[], RegExp][] = [
      [
        ['--adapter', 'people', '--out', 'taken'],
        new RegExp(`^error: ${join(ws, 'taken')}: already exists; export-model writes a new folder and never overwrites one\n$`),
      ],
      [
        ['--adapter', 'mismatch', '--out', 'x1'],
        new RegExp(
          `^error: ${join(adapterDir(ws, 'mismatch'), 'adapter_config.json')}: adapter 'mismatch' was trained on base .* with weights sha256:[0-9a-f]{12}\\.\\.\\.; this base has the same shapes but weights sha256:[0-9a-f]{12}\\.\\.\\.\n$`,
        ),
      ],
      [
        ['--adapter', 'orphan', '--out', 'x4'],
        new RegExp(
          `^error: ${join(adapterDir(ws, 'orphan'), 'adapter_config.json')}: adapter 'orphan' needs its base model '${join(ws, 'gone')}', which cannot be loaded: ${join(ws, 'gone')}: is neither a model folder`,
        ),
      ],
      [['--adapter', 'nothere', '--out', 'x2'], new RegExp(`^error: ${adapterDir(ws, 'nothere')}: no adapter here`)],
      [['--out', 'x3'], /^error: pasta export-model: --adapter <name> is required \(see pasta export-model --help\)\n$/],
    ];
    for (const [args, expected] of cases) {
      const { status, stdout, stderr } = runPasta(['export-model', ...args], { cwd: ws });
      assert.match(stderr, expected, args.join(' '));
      assert.equal(stderr.split('\n').length, 2, 'one line');
      assert.equal(status, 1);
      assert.equal(stdout, '');
    }
    assert.equal(existsSync(join(ws, 'x1')), false);
  });

  it('--adapters: one folder for several adapters, and the refusals of adapters that cannot share one model', () => {
    const { status, stdout, stderr } = runPasta(['export-model', '--adapters', 'people,places', '--out', 'both', '--triton'], { cwd: ws });
    assert.equal(stderr, '');
    assert.equal(status, 0);
    assert.match(stdout, new RegExp(`^Exported adapters people, places to ${join(ws, 'both')}\n`));
    assert.ok(existsSync(join(ws, 'both', 'people_places', '1', 'model.onnx')));
    const elsewhere = join(adapterDir(ws, 'elsewhere'), 'adapter_config.json');
    const spam = join(adapterDir(ws, 'spam'), 'adapter_config.json');
    const cases: [string[], RegExp][] = [
      [
        ['--adapters', 'people,elsewhere', '--out', 'y1'],
        new RegExp(
          `^error: ${elsewhere}: adapter 'elsewhere' was trained on ${join(ws, 'other-model')} \\(weights sha256:[0-9a-f]{12}\\.\\.\\.\\), 'people' on ${join(ws, 'model')} \\(weights sha256:[0-9a-f]{12}\\.\\.\\.\\); a multi-adapter export needs one base\n$`,
        ),
      ],
      [
        ['--adapters', 'people,spam', '--out', 'y2'],
        new RegExp(`^error: ${spam}: adapter 'spam' is SEQ_CLS, 'people' is TOKEN_CLS; a multi-adapter export needs one task\n$`),
      ],
      [['--adapters', 'people,nothere', '--out', 'y3'], new RegExp(`^error: ${adapterDir(ws, 'nothere')}: no adapter here`)],
      [['--adapters', 'people,people', '--out', 'y4'], new RegExp(`^error: ${adapterDir(ws, 'people')}: adapter 'people' is listed twice in --adapters\n$`)],
      [['--adapters', 'people,,places', '--out', 'y5'], /^error: pasta export-model: --adapters 'people,,places' has an empty name/],
      [
        ['--adapter', 'people', '--adapters', 'people,places', '--out', 'y6'],
        /^error: pasta export-model: give --adapter <name> or --adapters <a,b,...>, not both/,
      ],
      [['--adapters', 'people,places', '--out', 'both'], new RegExp(`^error: ${join(ws, 'both')}: already exists`)],
      [['--adapters', 'people,places', '--out', 'y7', '--quantize', 'int8'], /^error: pasta export-model: --quantize takes one --adapter: /],
      [['--adapter', 'people', '--out', 'y8', '--max-f1-drop', '2'], /^error: pasta export-model: --max-f1-drop goes with --quantize int8/],
    ];
    for (const [args, expected] of cases) {
      const result = runPasta(['export-model', ...args], { cwd: ws });
      assert.match(result.stderr, expected, args.join(' '));
      assert.equal(result.stderr.split('\n').length, 2, 'one line');
      assert.equal(result.status, 1);
      assert.equal(result.stdout, '');
    }
    for (const y of ['y1', 'y2', 'y3', 'y4', 'y5', 'y6', 'y7', 'y8']) assert.equal(existsSync(join(ws, y)), false, y);
  });
});
