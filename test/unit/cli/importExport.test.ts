import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AnnotationStore } from '../../../src/core/data/annotationStore.js';
import { runPasta, tempWorkspaces } from './runPasta.js';

const workspace = tempWorkspaces('pasta-cli-data-');

const CONLL = 'Alice\tB-person\nvisited\tO\nNew\tB-location\nYork\tI-location\n.\tO\n\nNothing\tO\nhere\tO\n';

describe('pasta import', () => {
  it('CoNLL -> .pasta/datasets/<name>.jsonl, leaving the input untouched', () => {
    const ws = workspace();
    const input = join(ws, 'train.conll');
    writeFileSync(input, CONLL);
    const before = statSync(input).mtimeMs;
    const { status, stdout, stderr } = runPasta(['import', 'train.conll'], { cwd: ws });
    assert.equal(stderr, '');
    assert.equal(stdout, `Imported 2 documents with 2 entities (person 1, location 1) from ${input} into .pasta/datasets/train.jsonl\n`);
    assert.equal(status, 0);
    assert.equal(
      readFileSync(join(ws, '.pasta', 'datasets', 'train.jsonl'), 'utf8'),
      '{"text":"Alice visited New York .","spans":[{"start":0,"end":5,"label":"person"},{"start":14,"end":22,"label":"location"}]}\n' +
        '{"text":"Nothing here","spans":[]}\n',
    );
    assert.equal(readFileSync(input, 'utf8'), CONLL);
    assert.equal(statSync(input).mtimeMs, before);
    assert.equal(existsSync(join(ws, '.pasta', 'project.json')), false, 'the default dataSources already read .pasta/datasets/*.jsonl');

    const again = runPasta(['import', 'train.conll'], { cwd: ws });
    assert.equal(again.status, 1);
    assert.equal(
      again.stderr,
      `error: ${join(ws, '.pasta', 'datasets', 'train.jsonl')}: already exists; choose another --name or pass --force to replace it\n`,
    );
    assert.equal(runPasta(['import', 'train.conll', '--force'], { cwd: ws }).status, 0);
    // Paths on the command line are relative to the current folder, wherever --workspace points.
    assert.equal(runPasta(['import', input, '--name', 'v2', '-w', ws], { cwd: tmpdir() }).status, 0);
    assert.ok(existsSync(join(ws, '.pasta', 'datasets', 'v2.jsonl')));
  });

  it('bad CoNLL exits 1 with one line naming the file and line, and writes nothing', () => {
    const ws = workspace();
    writeFileSync(join(ws, 'bad.conll'), 'Alice\tB-person\nvisited\tO\nBob\tI-person\n');
    const { status, stdout, stderr } = runPasta(['import', 'bad.conll'], { cwd: ws });
    assert.equal(stdout, '');
    assert.equal(stderr, `error: ${join(ws, 'bad.conll')}:3: tag "I-person" follows "O": I-person must continue a person entity\n`);
    assert.equal(status, 1);
    assert.equal(existsSync(join(ws, '.pasta', 'datasets')), false);
    // conlleval's reading on request
    const repaired = runPasta(['import', 'bad.conll', '--repair-tags'], { cwd: ws });
    assert.equal(repaired.status, 0, repaired.stderr);
  });

  it('a missing file, a directory, bad JSONL and a broken project.json are bad input too', () => {
    const ws = workspace();
    writeFileSync(join(ws, 'bad.jsonl'), '{"text": "ok", "spans": []}\n{"text": "broken",\n');
    writeFileSync(join(ws, 'spans.jsonl'), '{"text": "Bob", "spans": [{"start": 0, "end": 9, "label": "person"}]}\n');
    const cases: [string[], string][] = [
      [['import', 'nothere.conll'], `error: ${join(ws, 'nothere.conll')}: no such file\n`],
      [['import', '.pasta'], `error: ${join(ws, '.pasta')}: is a directory, not a file\n`],
      [['import', 'spans.jsonl'], `error: ${join(ws, 'spans.jsonl')}:1: span 0 (person): end 9 is outside the text (3 characters)\n`],
    ];
    for (const [args, expected] of cases) {
      const { status, stderr } = runPasta(args, { cwd: ws });
      assert.equal(stderr, expected);
      assert.equal(status, 1);
    }
    const badJson = runPasta(['import', 'bad.jsonl'], { cwd: ws });
    assert.equal(badJson.status, 1);
    assert.match(badJson.stderr, new RegExp(`^error: ${join(ws, 'bad.jsonl').replace(/[.]/g, '\\.')}:2: invalid JSON: [^\\n]+\\n$`));

    writeFileSync(join(ws, '.pasta', 'project.json'), '{\n  "task": "token",\n  "hyperparameters": {"batchSize": "16"}\n}\n');
    writeFileSync(join(ws, 'ok.conll'), CONLL);
    const broken = runPasta(['import', 'ok.conll'], { cwd: ws });
    assert.equal(broken.stderr, `error: ${join(ws, '.pasta', 'project.json')}:3: hyperparameters.batchSize must be an integer, found "16"\n`);
    assert.equal(broken.status, 1);
  });

  it('Prodigy and doccano JSONL, appended to a project that lists its dataSources', () => {
    const ws = workspace({ dataSources: ['data/*.conll'] });
    writeFileSync(join(ws, 'p.jsonl'), '{"text": "Zoë met Bob", "spans": [{"start": 8, "end": 11, "label": "person"}], "meta": {"id": 7}}\n');
    writeFileSync(join(ws, 'd.jsonl'), '{"text": "Zoë met Bob", "label": [[0, 3, "person"]]}\n');
    const prodigy = runPasta(['import', 'p.jsonl', '--format', 'prodigy'], { cwd: ws });
    assert.equal(prodigy.status, 0, prodigy.stderr);
    assert.equal(
      prodigy.stdout,
      `Imported 1 documents with 1 entities (person 1) from ${join(ws, 'p.jsonl')} into .pasta/datasets/p.jsonl\nAdded .pasta/datasets/p.jsonl to "dataSources" in .pasta/project.json\n`,
    );
    assert.equal(
      readFileSync(join(ws, '.pasta', 'datasets', 'p.jsonl'), 'utf8'),
      '{"text":"Zoë met Bob","spans":[{"start":8,"end":11,"label":"person"}],"meta":{"id":7}}\n',
    );
    const doccano = runPasta(['import', 'd.jsonl'], { cwd: ws });
    assert.equal(doccano.status, 0, doccano.stderr);
    assert.equal(readFileSync(join(ws, '.pasta', 'datasets', 'd.jsonl'), 'utf8'), '{"text":"Zoë met Bob","spans":[{"start":0,"end":3,"label":"person"}]}\n');
    assert.deepEqual(JSON.parse(readFileSync(join(ws, '.pasta', 'project.json'), 'utf8')), {
      dataSources: ['data/*.conll', '.pasta/datasets/p.jsonl', '.pasta/datasets/d.jsonl'],
    });

    const wrongShape = runPasta(['import', 'd.jsonl', '--format', 'prodigy', '--name', 'x'], { cwd: ws });
    assert.equal(
      wrongShape.stderr,
      `error: ${join(ws, 'd.jsonl')}:1: is a doccano record, but --format prodigy expects "spans": [{"start", "end", "label"}]\n`,
    );
    assert.equal(wrongShape.status, 1);
  });

  it('adds the labels the project does not define, and says so', () => {
    const ws = workspace({ labels: [{ name: 'person', color: '#ff0000', key: 'p' }] });
    writeFileSync(join(ws, 'train.conll'), CONLL);
    const { status, stdout, stderr } = runPasta(['import', 'train.conll'], { cwd: ws });
    assert.equal(stderr, '');
    assert.equal(status, 0);
    assert.equal(stdout.split('\n')[1], 'Added the label location to .pasta/project.json');
    assert.deepEqual(JSON.parse(readFileSync(join(ws, '.pasta', 'project.json'), 'utf8')).labels, [{ name: 'person', color: '#ff0000', key: 'p' }, 'location']);
  });

  it('sequence projects import {"text", "label"} records', () => {
    const ws = workspace({
      task: 'sequence',
      labels: [
        { name: 'spam', color: '#ff0000', key: 's' },
        { name: 'ham', color: '#00ff00', key: 'h' },
      ],
    });
    writeFileSync(join(ws, 'mail.jsonl'), '{"text": "Win money", "label": "spam"}\n{"text": "Lunch?", "label": ["ham"]}\n');
    const { status, stdout, stderr } = runPasta(['import', 'mail.jsonl'], { cwd: ws });
    assert.equal(stderr, '');
    assert.equal(status, 0);
    assert.match(stdout, /^Imported 2 texts \(spam 1, ham 1\)/);
    assert.equal(readFileSync(join(ws, '.pasta', 'datasets', 'mail.jsonl'), 'utf8'), '{"text":"Win money","label":"spam"}\n{"text":"Lunch?","label":"ham"}\n');
    writeFileSync(join(ws, 'x.conll'), CONLL);
    const conll = runPasta(['import', 'x.conll'], { cwd: ws });
    assert.equal(conll.status, 1);
    assert.match(conll.stderr, /x\.conll: is CoNLL, which holds entity tags; a sequence \(text classification\) task needs JSONL records/);
  });
});

describe('pasta export', () => {
  async function annotatedWorkspace(): Promise<string> {
    const ws = workspace();
    mkdirSync(join(ws, 'news'));
    const text = 'Haruki Murakami lives in Japan.\n\nHe wrote for The New\nYorker magazine.\n';
    writeFileSync(join(ws, 'news', 'a.txt'), text);
    const store = new AnnotationStore(ws);
    await store.save('news/a.txt', text, [
      { start: 0, end: 15, label: 'person' },
      { start: 25, end: 30, label: 'location' },
      { start: 46, end: 60, label: 'corporation' },
    ]);
    return ws;
  }

  it('annotations -> CoNLL (IOB2, BIOES): a sentence per line, lines kept together inside an entity, words split at entity edges', async () => {
    const ws = await annotatedWorkspace();
    const iob2 = runPasta(['export', '--out', 'out/a.conll'], { cwd: ws });
    assert.equal(iob2.stderr, '');
    assert.equal(iob2.stdout, 'Exported 1 annotated files with 3 entities to out/a.conll (CoNLL, IOB2)\n');
    assert.equal(iob2.status, 0);
    assert.equal(
      readFileSync(join(ws, 'out', 'a.conll'), 'utf8'),
      'Haruki\tB-person\nMurakami\tI-person\nlives\tO\nin\tO\nJapan\tB-location\n.\tO\n\n' +
        'He\tO\nwrote\tO\nfor\tO\nThe\tB-corporation\nNew\tI-corporation\nYorker\tI-corporation\nmagazine.\tO\n\n',
    );
    const bioes = runPasta(['export', '--out', '-', '--scheme', 'BIOES'], { cwd: ws });
    assert.equal(bioes.status, 0);
    assert.equal(
      bioes.stdout
        .split('\n')
        .filter((l) => l.includes('\t'))
        .map((l) => l.split('\t')[1])
        .join(' '),
      'B-person E-person O O S-location O O O O B-corporation I-corporation E-corporation O',
    );
  });

  it('annotations -> JSONL (Prodigy or doccano), and refuses to overwrite without --force', async () => {
    const ws = await annotatedWorkspace();
    assert.equal(runPasta(['export', '-o', 'a.jsonl', '--jsonl-style', 'doccano'], { cwd: ws }).status, 0);
    const record = JSON.parse(readFileSync(join(ws, 'a.jsonl'), 'utf8'));
    assert.deepEqual(record.meta, { file: 'news/a.txt' });
    assert.deepEqual(record.label, [
      [0, 15, 'person'],
      [25, 30, 'location'],
      [46, 60, 'corporation'],
    ]);
    const again = runPasta(['export', '-o', 'a.jsonl'], { cwd: ws });
    assert.equal(again.stderr, `error: ${join(ws, 'a.jsonl')}: already exists; pass --force to replace it\n`);
    assert.equal(again.status, 1);
    assert.equal(runPasta(['export', '-o', 'a.jsonl', '--force'], { cwd: ws }).status, 0);
    assert.ok('spans' in JSON.parse(readFileSync(join(ws, 'a.jsonl'), 'utf8')));
  });

  it('skips stale annotations with a warning, and says so when nothing is left', async () => {
    const ws = await annotatedWorkspace();
    writeFileSync(join(ws, 'news', 'a.txt'), 'Changed text.\n');
    const { status, stderr } = runPasta(['export', '-o', '-'], { cwd: ws });
    assert.equal(
      stderr,
      `warning: news/a.txt: stale: the file changed since it was annotated (skipped)\nerror: ${ws}: has no annotated files to export (annotations live in .pasta/annotations)\n`,
    );
    assert.equal(status, 1);
  });

  it('--from converts a CoNLL file, and never writes over it', () => {
    const ws = workspace();
    writeFileSync(join(ws, 'train.conll'), CONLL);
    const bioes = runPasta(['export', '--from', 'train.conll', '-o', '-', '--scheme', 'BIOES'], { cwd: ws });
    assert.equal(bioes.status, 0);
    assert.equal(bioes.stdout, 'Alice\tS-person\nvisited\tO\nNew\tB-location\nYork\tE-location\n.\tO\n\nNothing\tO\nhere\tO\n\n');
    const back = join(ws, 'back.conll');
    writeFileSync(join(ws, 'train.bioes'), bioes.stdout);
    assert.equal(runPasta(['export', '--from', 'train.bioes', '--from-scheme', 'BIOES', '-o', back], { cwd: ws }).status, 0);
    assert.equal(readFileSync(back, 'utf8'), `${CONLL}\n`);
    const same = runPasta(['export', '--from', 'train.conll', '-o', 'train.conll', '--force'], { cwd: ws });
    assert.equal(same.stderr, `error: ${join(ws, 'train.conll')}: is both --from and --out; the input file is never overwritten\n`);
    assert.equal(readFileSync(join(ws, 'train.conll'), 'utf8'), CONLL);
    const folder = runPasta(['export', '--from', 'train.conll', '-o', '.pasta'], { cwd: ws });
    assert.equal(folder.stderr, `error: ${join(ws, '.pasta')}: is a directory; --out needs a file name\n`);
    assert.equal(folder.status, 1);
  });

  it('--jsonl-style alone means JSONL output, also on stdout', () => {
    const ws = workspace();
    writeFileSync(join(ws, 'train.conll'), CONLL);
    const doccano = runPasta(['export', '--from', 'train.conll', '-o', '-', '--jsonl-style', 'doccano'], { cwd: ws });
    assert.equal(doccano.status, 0, doccano.stderr);
    assert.deepEqual(JSON.parse(doccano.stdout.split('\n')[0]), {
      text: 'Alice visited New York .',
      label: [
        [0, 5, 'person'],
        [14, 22, 'location'],
      ],
    });
    const clash = runPasta(['export', '--from', 'train.conll', '-o', '-', '--format', 'conll', '--jsonl-style', 'doccano'], { cwd: ws });
    assert.equal(clash.stderr.split('\n')[0], 'error: pasta export: --jsonl-style is for JSONL output (see pasta export --help)');
    assert.equal(clash.status, 1);
  });
});
