import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { adapterDir, saveAdapter } from '../../../src/core/adapter/index.js';
import { fixtureConfig, fixtureTensors } from '../adapter/adapterFixture.js';
import { runPasta } from './runPasta.js';

const ws = mkdtempSync(join(tmpdir(), 'pasta-cli-adapters-'));
after(() => rmSync(ws, { recursive: true, force: true }));

before(async () => {
  const ner = {
    ...fixtureConfig({ labels: ['person', 'location', 'corporation', 'product', 'group'] }),
    metrics: { dev: { f1: 0.41234, precision: 0.5, recall: 0.35 } },
  };
  const spam = { ...fixtureConfig({ task: 'SEQ_CLS', labels: ['ham', 'spam'] }), created: '2026-11-29T10:00:00.000Z' };
  await saveAdapter(adapterDir(ws, 'ner'), ner, fixtureTensors(ner));
  await saveAdapter(adapterDir(ws, 'spam'), spam, fixtureTensors(spam));
  mkdirSync(adapterDir(ws, 'broken'));
  writeFileSync(join(adapterDir(ws, 'broken'), 'adapter_config.json'), '{}');
});

describe('pasta adapters', () => {
  it('list: a table of the good ones, the broken one reported on stderr, exit 0', () => {
    const { status, stdout, stderr } = runPasta(['adapters', 'list'], { cwd: ws });
    assert.equal(status, 0);
    assert.equal(
      stdout,
      '  NAME  TASK       LABELS                                       DEV F1  CREATED                   BASE\n' +
        '  ner   TOKEN_CLS  person, location, corporation, product (+1)  0.4123  2026-11-30T04:30:00.000Z  all-MiniLM-L6-v2\n' +
        '  spam  SEQ_CLS    ham, spam                                    0.3333  2026-11-29T10:00:00.000Z  all-MiniLM-L6-v2\n',
    );
    assert.equal(stderr, `warning: ${join(adapterDir(ws, 'broken'), 'adapter_config.json')}:1: peft_type must be "PASTA", found nothing (skipped)\n`);
    assert.equal(runPasta(['adapters'], { cwd: ws }).stdout, stdout, 'list is the default action');
  });

  it('use, show, list --json and remove, through .pasta/project.json', () => {
    const use = runPasta(['adapters', 'use', 'ner'], { cwd: ws });
    assert.equal(use.status, 0, use.stderr);
    assert.equal(use.stdout, 'Active adapter: ner\n');
    assert.deepEqual(JSON.parse(readFileSync(join(ws, '.pasta', 'project.json'), 'utf8')), { activeAdapter: 'ner' });

    const show = runPasta(['adapters', 'show', 'ner'], { cwd: ws });
    assert.equal(show.status, 0, show.stderr);
    assert.match(show.stdout, /^adapter: +ner \(active\)\n/);
    assert.match(show.stdout, /\ntask: +TOKEN_CLS \(IOB2\)\n/);
    assert.match(show.stdout, /\nlabels: +person, location, corporation, product, group \(11 classes\)\n/);
    assert.match(show.stdout, /\nparameters: +131 \(32 in PASTA vectors 2 x 2 x 8, 99 in the head\)\n/);
    const config = JSON.parse(runPasta(['adapters', 'show', 'ner', '--json'], { cwd: ws }).stdout);
    assert.equal(config.peft_type, 'PASTA');

    const listed = JSON.parse(runPasta(['adapters', 'list', '--json'], { cwd: ws }).stdout);
    assert.deepEqual(
      listed.adapters.map((a: { name: string; active: boolean }) => [a.name, a.active]),
      [
        ['ner', true],
        ['spam', false],
      ],
    );
    assert.equal(listed.problems.length, 1);
    assert.match(runPasta(['adapters'], { cwd: ws }).stdout, /\n\* +ner +TOKEN_CLS/);

    const remove = runPasta(['adapters', 'remove', 'ner'], { cwd: ws });
    assert.equal(remove.status, 0, remove.stderr);
    assert.equal(remove.stdout, `Removed adapter ner (${adapterDir(ws, 'ner')})\nThe project has no active adapter now.\n`);
    assert.equal(existsSync(adapterDir(ws, 'ner')), false);
    assert.deepEqual(JSON.parse(readFileSync(join(ws, '.pasta', 'project.json'), 'utf8')), {});
  });

  it('refuses missing, broken and badly named adapters with exit 1 and one line', () => {
    const cases: [string[], string][] = [
      [['adapters', 'use', 'nothere'], `error: ${adapterDir(ws, 'nothere')}: no adapter here (expected adapter_config.json and adapter_model.safetensors)\n`],
      [['adapters', 'show', 'broken'], `error: ${join(adapterDir(ws, 'broken'), 'adapter_config.json')}:1: peft_type must be "PASTA", found nothing\n`],
      [
        ['adapters', 'remove', '../etc'],
        `error: ${join(ws, '.pasta', 'adapters')}: "../etc" is not a valid adapter name (a letter or digit, then letters, digits, '.', '_' or '-'; at most 100)\n`,
      ],
    ];
    for (const [args, expected] of cases) {
      const { status, stdout, stderr } = runPasta(args, { cwd: ws });
      assert.equal(stderr, expected, args.join(' '));
      assert.equal(status, 1);
      assert.equal(stdout, '');
    }
  });

  it('an empty workspace has no adapters', () => {
    const empty = mkdtempSync(join(tmpdir(), 'pasta-cli-empty-'));
    try {
      const { status, stdout } = runPasta(['adapters', 'list', '-w', empty], { cwd: ws });
      assert.equal(status, 0);
      assert.equal(stdout, `No adapters in ${join(empty, '.pasta', 'adapters')}; train one with "pasta train".\n`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
