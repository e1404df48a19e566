// DeBERTa's relative positions against transformers' make_log_bucket_position (test/fixtures/
// deberta-relative-positions.json, tools/reference/make_relative_position_fixture.py), and the index table the
// disentangled attention reads.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseEncoderConfig } from '../../../src/core/model/config';
import type { DebertaV2Config } from '../../../src/core/model/types';
import { logBucketPosition, relativePositionIndex } from '../../../src/core/graph/relativePositions';

interface Fixture {
  cases: { position_buckets: number; max_relative_positions: number; first_distance: number; buckets: number[] }[];
}

const fixture = JSON.parse(readFileSync('test/fixtures/deberta-relative-positions.json', 'utf8')) as Fixture;

for (const c of fixture.cases) {
  test(`log buckets equal transformers' for position_buckets ${c.position_buckets}, max_relative_positions ${c.max_relative_positions}`, () => {
    const wrong = c.buckets
      .map((expected, k) => ({
        distance: c.first_distance + k,
        expected,
        ours: logBucketPosition(c.first_distance + k, c.position_buckets, c.max_relative_positions),
      }))
      .filter((r) => r.ours !== r.expected);
    assert.deepEqual(wrong.slice(0, 5), []);
    assert.ok(new Set(c.buckets).size < c.buckets.length, 'the fixture reaches the logarithmic buckets');
  });
}

function debertaConfig(extra: Record<string, unknown>): DebertaV2Config {
  const config = parseEncoderConfig({
    model_type: 'deberta-v2',
    hidden_size: 8,
    num_hidden_layers: 1,
    num_attention_heads: 2,
    intermediate_size: 16,
    vocab_size: 10,
    max_position_embeddings: 12,
    relative_attention: true,
    pos_att_type: 'p2c|c2p',
    ...extra,
  });
  assert.equal(config.model_type, 'deberta-v2');
  return config as DebertaV2Config;
}

test('the index table: query i reads row clamp(bucket(i - j) + span, 0, 2 span - 1) for key j', () => {
  // No buckets, distances up to 3: rows 0..5, i - j = -3 reads row 0, 0 reads 3, 2 reads 5 and beyond clamps.
  const plain = relativePositionIndex(debertaConfig({ max_relative_positions: 3 }));
  const at = (table: BigInt64Array, i: number, j: number) => Number(table[i * 12 + j]);
  assert.deepEqual([at(plain, 0, 0), at(plain, 5, 3), at(plain, 2, 5), at(plain, 0, 11), at(plain, 11, 0), at(plain, 4, 6)], [3, 5, 0, 0, 5, 1]);
  // 4 buckets: |distance| < 2 kept, longer ones log-compressed into [-3, 3] (clamped to rows 0..7).
  const bucketed = relativePositionIndex(debertaConfig({ position_buckets: 4 }));
  for (let i = 0; i < 12; i++) {
    for (let j = 0; j < 12; j++) {
      assert.equal(at(bucketed, i, j), Math.min(Math.max(logBucketPosition(i - j, 4, 12) + 4, 0), 7));
      assert.equal(at(bucketed, i, j) - 4, 4 - at(bucketed, j, i), 'odd in the distance, so p2c may read it transposed');
    }
  }
});
