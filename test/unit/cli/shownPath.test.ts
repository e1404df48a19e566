import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shownPath } from '../../../src/cli/shownPath.js';

test('paths inside the working folder are shown relative, others absolute', () => {
  assert.equal(shownPath('/home/ada/repo', '/home/ada/repo/.pasta/adapters/ner'), '.pasta/adapters/ner');
  assert.equal(shownPath('/work/pasta-studio', '/root/my-ner/.pasta/datasets/tweets.jsonl'), '/root/my-ner/.pasta/datasets/tweets.jsonl');
  assert.equal(shownPath('/home/ada/repo', '/home/ada/repo'), '/home/ada/repo');
});
