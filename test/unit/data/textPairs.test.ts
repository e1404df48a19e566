// Sentence-pair classification records: text/text_pair (Hugging Face's names), sentence1/sentence2 and
// premise/hypothesis (GLUE's); written back under the naming read; single texts and pairs never mixed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTextPairs, parseClassificationJsonl, parseTextInputsJsonl } from '../../../src/core/data/formats/jsonl.js';
import { formatClassificationJsonl } from '../../../src/core/data/formats/jsonlWrite.js';
import { InputError } from '../../../src/core/data/types.js';

const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('sentence-pair classification records', () => {
  const namings: [string, string, string][] = [
    ['text', 'text_pair', 'text'],
    ['sentence1', 'sentence2', 'sentence1'],
    ['premise', 'hypothesis', 'premise'],
  ];
  for (const [first, second, textFields] of namings) {
    it(`reads ${first}/${second} as text/textPair and writes them back under the same names`, () => {
      const input =
        [
          JSON.stringify({ idx: 0, [first]: 'A man plays a guitar. 🎸', [second]: 'Someone makes music.', label: 'entailment' }),
          JSON.stringify({ idx: 1, [first]: 'Zoe\u0308 is asleep.', [second]: 'Zoë runs a marathon.', label: ['contradiction'] }),
        ].join('\n') + '\n';
      const records = parseClassificationJsonl(input, 'p.jsonl');
      assert.deepEqual(
        records.map((r) => [r.id, r.text, r.textPair, r.label, r.textFields]),
        [
          ['p.jsonl:1', 'A man plays a guitar. 🎸', 'Someone makes music.', 'entailment', textFields],
          ['p.jsonl:2', 'Zoe\u0308 is asleep.', 'Zoë runs a marathon.', 'contradiction', textFields],
        ],
      );
      assert.equal(formatClassificationJsonl(records), input);
      const normal = lines(formatClassificationJsonl(records, { textFields: 'text', labelShape: 'string' }));
      assert.deepEqual(normal[1], { text: 'Zoe\u0308 is asleep.', text_pair: 'Zoë runs a marathon.', idx: 1, label: 'contradiction' });
      assert.deepEqual(
        parseClassificationJsonl(formatClassificationJsonl(records, { textFields: 'text' }), 'q.jsonl').map((r) => [r.text, r.textPair, r.label]),
        records.map((r) => [r.text, r.textPair, r.label]),
      );
    });
  }

  it('keeps single-text records as they were', () => {
    const input = '{"text":"win money now","label":"spam"}\n';
    const records = parseClassificationJsonl(input, 's.jsonl');
    assert.equal(records[0].textPair, undefined);
    assert.equal(formatClassificationJsonl(records), input);
    assert.equal(formatClassificationJsonl([{ id: 'x', text: 'a', textPair: 'b', label: 'same' }]), '{"text":"a","text_pair":"b","label":"same"}\n');
  });

  it('refuses a file mixing single texts and pairs, naming the line and the first record', () => {
    const mixed = '{"text": "a", "text_pair": "b", "label": "x"}\n\n{"text": "c", "label": "y"}\n';
    assert.throws(() => parseClassificationJsonl(mixed, 'm.jsonl'), {
      message: 'm.jsonl:3: is a single text, but line 1 is a sentence pair; a dataset holds single texts or sentence pairs, not both',
    });
    const across = [
      ...parseClassificationJsonl('{"text": "a", "label": "x"}\n', 'one.jsonl'),
      ...parseClassificationJsonl('{"premise": "a", "hypothesis": "b", "label": "x"}\n', 'two.jsonl'),
    ];
    assert.throws(() => checkTextPairs(across), {
      message: 'two.jsonl:1: is a sentence pair, but one.jsonl:1 is a single text; a dataset holds single texts or sentence pairs, not both',
    });
    assert.equal(checkTextPairs(across.slice(1)), true);
    assert.equal(checkTextPairs([]), false);
  });

  it('names the file, the line and the problem of malformed pair records', () => {
    const cases: [string, string][] = [
      ['{"text": "a", "text_pair": 3, "label": "x"}\n', 'c.jsonl:1: "text_pair" must be a string, found 3'],
      ['{"sentence2": "b", "label": "x"}\n', 'c.jsonl:1: "sentence1" must be a string, found nothing (a record with "sentence2" needs "sentence1" too)'],
      [
        '{"text": "a", "hypothesis": "b", "label": "x"}\n',
        'c.jsonl:1: mixes "text" and "hypothesis"; a record uses one naming: text/text_pair, sentence1/sentence2 or premise/hypothesis',
      ],
      ['{"label": "x"}\n', 'c.jsonl:1: "text" must be a string, found nothing'],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => parseClassificationJsonl(text, 'c.jsonl'),
        (e: unknown) => e instanceof InputError && e.message === message,
        message,
      );
    }
  });

  it('reads unlabelled inputs to predict, pairs or single texts', () => {
    const inputs = parseTextInputsJsonl('{"text": "a", "text_pair": "b"}\n{"sentence1": "c", "sentence2": "d", "label": "ignored"}\n', 'in.jsonl');
    assert.deepEqual(
      inputs.map((i) => [i.text, i.textPair, i.source.line]),
      [
        ['a', 'b', 1],
        ['c', 'd', 2],
      ],
    );
    assert.throws(() => parseTextInputsJsonl('{"text": "a", "text_pair": "b"}\n{"text": "c"}\n', 'in.jsonl'), {
      message: /^in\.jsonl:2: is a single text, but line 1 is a sentence pair/,
    });
  });
});
