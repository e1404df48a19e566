import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConll } from '../../../src/core/data/formats/conll.js';
import { parseNerJsonl } from '../../../src/core/data/formats/jsonl.js';
import { InputError, type NerDocument } from '../../../src/core/data/types.js';
import { assertValid, validateClassificationRecords, validateNerDocuments } from '../../../src/core/data/validate.js';

const messages = (issues: InputError[]) => issues.map((i) => i.message);

describe('validateNerDocuments', () => {
  it('accepts a clean dataset', () => {
    const documents = parseConll('Ada\tB-PER\nwrote\tO\n\n', 'train.conll');
    assert.deepEqual(validateNerDocuments(documents, { file: 'train.conll', labels: ['PER'], role: 'dev' }), []);
  });

  it('names file and line for every span problem of JSONL records', () => {
    const jsonl = [
      '{"text": "Ada Lovelace", "spans": [{"start": 0, "end": 12, "label": "PER"}, {"start": 4, "end": 12, "label": "PER"}]}',
      '{"text": "Ada", "spans": [{"start": 1, "end": 1, "label": "PER"}, {"start": 2, "end": 1, "label": "PER"}]}',
      '{"text": "Paris", "spans": [{"start": 0, "end": 5, "label": "CITY"}]}',
    ].join('\n');
    const documents = parseNerJsonl(jsonl, 'data.jsonl');
    assert.deepEqual(messages(validateNerDocuments(documents, { file: 'data.jsonl', labels: ['PER', 'LOC'] })), [
      'data.jsonl:1: span 4..12 PER "Lovelace" overlaps span 0..12 PER "Ada Lovelace"',
      'data.jsonl:2: span 1..1 PER "" is empty',
      'data.jsonl:2: span 2..1 PER ends before it starts',
      'data.jsonl:3: span 0..5 CITY "Paris" has label "CITY", which is not one of PER, LOC',
    ]);
    const issue = validateNerDocuments(documents, { file: 'data.jsonl' })[0];
    assert.equal(issue.file, 'data.jsonl');
    assert.equal(issue.line, 1);
  });

  it('names the document id where no line is known', () => {
    const documents: NerDocument[] = [
      {
        id: 'notes/a.md',
        text: 'Hi 😂',
        spans: [
          { start: 0, end: 9, label: 'X' },
          { start: 3, end: 4, label: 'X' },
        ],
      },
    ];
    assert.deepEqual(messages(validateNerDocuments(documents, { file: 'workspace' })), [
      'notes/a.md: span 0..9 X is outside the text (5 characters)',
      'notes/a.md: span 3..4 X "\ud83d" starts or ends inside a character',
    ]);
  });

  it('reports an empty dataset and a dev set without entities', () => {
    assert.deepEqual(messages(validateNerDocuments([], { file: 'train.conll' })), ['train.conll: the dataset is empty']);
    const documents = parseConll('Hello\tO\n\n', 'dev.conll');
    assert.deepEqual(messages(validateNerDocuments(documents, { file: 'dev.conll', role: 'dev' })), [
      'dev.conll: the dev set has no entities, so its entity F1 would mean nothing',
    ]);
    assert.deepEqual(validateNerDocuments(documents, { file: 'train.conll', role: 'train' }), []);
    assert.throws(
      () => assertValid(validateNerDocuments([], { file: 'x.jsonl' })),
      (e: unknown) => e instanceof InputError && e.message === 'x.jsonl: the dataset is empty',
    );
  });
});

describe('validateClassificationRecords', () => {
  it('reports empty datasets, empty texts and unknown labels', () => {
    assert.deepEqual(messages(validateClassificationRecords([], { file: 'c.jsonl' })), ['c.jsonl: the dataset is empty']);
    const records = [
      { id: 'c.jsonl:1', text: ' ', label: 'spam' },
      { id: 'c.jsonl:2', text: 'hello', label: 'eggs' },
    ];
    assert.deepEqual(messages(validateClassificationRecords(records, { file: 'c.jsonl', labels: ['spam', 'ham'] })), [
      'c.jsonl:1: the text is empty',
      'c.jsonl:2: label "eggs" is not one of spam, ham',
    ]);
  });
});
