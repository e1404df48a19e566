// A newcomer's first commands: from an empty folder and a CoNLL-2003-shaped file (IOB1, four columns, -DOCSTART-),
// `pasta import`, `pasta train` and `pasta predict`, with no JSON written by hand. And a project whose data uses
// labels it lacks: train names them and says how to add them, or adds them with --add-labels.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runPasta, tempWorkspaces } from './runPasta.js';
import { defaultModelMissing, skipIfMissing } from '../../helpers/requirements.js';

const workspace = tempWorkspaces('pasta-first-hour-');
const skip = skipIfMissing(defaultModelMissing());

const PEOPLE = ['Peter Blackburn', 'Werner Zwingmann', 'Nikolaus van der Pas', 'Franz Fischler'];
const ORGS = ['European Commission', 'Reuters', 'EU', 'Bonn Group'];
const PLACES = ['Brussels', 'Germany', 'Britain', 'Frankfurt'];
const MISC = ['German', 'British', 'European'];

/** Token, POS, chunk and IOB1 tag, as CoNLL-2003's eng.train writes them; B- only between two adjacent entities. */
function sentence(i: number): string[] {
  const person = PEOPLE[i % PEOPLE.length].split(' ');
  const org = ORGS[(i + 1) % ORGS.length].split(' ');
  const place = PLACES[(i + 2) % PLACES.length];
  const misc = MISC[i % MISC.length];
  const rows: [string, string][] = [
    ...person.map((w): [string, string] => [w, 'I-PER']),
    ['of', 'O'],
    ['the', 'O'],
    ...org.map((w): [string, string] => [w, 'I-ORG']),
    ['said', 'O'],
    ['in', 'O'],
    [place, 'I-LOC'],
    ['that', 'O'],
    [misc, 'I-MISC'],
    ['farmers', 'O'],
    ['agreed', 'O'],
    ['.', 'O'],
  ];
  if (i % 4 === 0) rows.splice(rows.length - 1, 0, ['with', 'O'], ['France', 'I-LOC'], ['Spain', 'B-LOC']);
  return rows.map(([word, tag]) => `${word} NNP I-NP ${tag}`);
}

function conll2003(sentences: number): string {
  const blocks = ['-DOCSTART- -X- -X- O'];
  for (let i = 0; i < sentences; i++) blocks.push(sentence(i).join('\n'));
  return `${blocks.join('\n\n')}\n`;
}

describe('from an empty folder: import, train, predict', { skip }, () => {
  it('three commands and no hand-edited JSON', () => {
    const ws = workspace();
    writeFileSync(join(ws, 'eng.train'), conll2003(24));

    const imported = runPasta(['import', 'eng.train', '--scheme', 'IOB1'], { cwd: ws });
    assert.equal(imported.stderr, '');
    assert.equal(imported.status, 0);
    assert.equal(
      imported.stdout,
      `Imported 24 documents with 108 entities (PER 24, ORG 24, LOC 36, MISC 24) from ${join(ws, 'eng.train')} into .pasta/datasets/eng.jsonl\n` +
        'Added the labels PER, ORG, LOC, MISC to .pasta/project.json (created it)\n',
    );
    assert.deepEqual(JSON.parse(readFileSync(join(ws, '.pasta', 'project.json'), 'utf8')), { labels: ['PER', 'ORG', 'LOC', 'MISC'] });

    const trained = runPasta(['train', '--epochs', '1', '--threads', '1'], { cwd: ws });
    assert.equal(trained.status, 0, trained.stderr);
    assert.match(trained.stderr, /^data: 22 training and 2 dev paragraphs$/m);
    assert.match(trained.stdout, /Adapter 'ner' \(best epoch 1\) written to \.pasta\/adapters\/ner\n/);
    const config = JSON.parse(readFileSync(join(ws, '.pasta', 'adapters', 'ner', 'adapter_config.json'), 'utf8'));
    assert.deepEqual(Object.values(config.id2label), ['O', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC', 'B-MISC', 'I-MISC']);

    const predicted = runPasta(['predict', '--text', 'Peter Blackburn of the EU said in Brussels that German farmers agreed .'], { cwd: ws });
    assert.equal(predicted.stderr, '');
    assert.equal(predicted.status, 0);
    // One epoch on 22 sentences: which spans come out is not the point, that every line is well formed is.
    for (const line of predicted.stdout.trimEnd().split('\n')) assert.match(line, /^text(: no entities|:\d+-\d+\t(PER|ORG|LOC|MISC)\t[01]\.\d{3}\t".+")$/);
  });
});

describe('a project whose data uses labels it lacks', () => {
  it('train names them and how to add them, and --add-labels adds them', () => {
    const ws = workspace({ labels: ['PER'], baseModel: 'no-model-here' });
    mkdirSync(join(ws, '.pasta', 'datasets'));
    writeFileSync(
      join(ws, '.pasta', 'datasets', 'news.jsonl'),
      [
        '{"text": "Ada joined ACME in Paris", "spans": [{"start": 0, "end": 3, "label": "PER"}, {"start": 11, "end": 15, "label": "ORG"}, {"start": 19, "end": 24, "label": "LOC"}]}',
        '{"text": "Bo left ACME", "spans": [{"start": 0, "end": 2, "label": "PER"}, {"start": 8, "end": 12, "label": "ORG"}]}',
        '',
      ].join('\n'),
    );
    const file = join(ws, '.pasta', 'project.json');

    const refused = runPasta(['train'], { cwd: ws });
    assert.equal(
      refused.stderr,
      `error: ${file}: the data uses labels the project lacks: ORG (2), LOC (1); append "ORG", "LOC" to "labels" (or run pasta train --add-labels)\n`,
    );
    assert.equal(refused.status, 1);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')).labels, ['PER']);

    // The labels are added before the base model is looked for, which this project lacks.
    const added = runPasta(['train', '--add-labels'], { cwd: ws });
    assert.equal(added.stderr.split('\n')[0], 'added the labels ORG, LOC to .pasta/project.json');
    assert.match(added.stderr, /\nerror: no-model-here: is neither a model folder/);
    assert.equal(added.status, 1);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')).labels, ['PER', 'ORG', 'LOC']);
  });
});
