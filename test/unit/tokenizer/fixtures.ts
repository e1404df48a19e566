// Shared access to the parity fixtures written by tools/reference/make_tokenizer_fixtures.py.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Encoding } from '../../../src/core/model/tokenizer';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'tokenizers');

export interface ParityCase {
  text: string;
  pair?: string;
  maxLength?: number;
}

/** What Python `tokenizers` returned, compacted (see the generator). */
export interface ExpectedResult {
  ids: number[];
  tokens: string[];
  offsets: number[];
  typeIds: string;
  specialTokensMask: string;
  wordIds: (number | null)[];
  sequenceIds?: (number | null)[];
}

export function readCases(): ParityCase[] {
  return (JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')) as { cases: ParityCase[] }).cases;
}

export function readExpected(name: string): ExpectedResult[] {
  return (JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as { results: ExpectedResult[] }).results;
}

/** Our encoding in the fixture's compact shape. */
export function compact(encoding: Encoding, isPair: boolean): ExpectedResult {
  const result: ExpectedResult = {
    ids: encoding.ids,
    tokens: encoding.tokens,
    offsets: encoding.offsets.flat(),
    typeIds: encoding.typeIds.join(''),
    specialTokensMask: encoding.specialTokensMask.join(''),
    wordIds: encoding.wordIds,
  };
  if (isPair) result.sequenceIds = encoding.sequenceIds;
  return result;
}
