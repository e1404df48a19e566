// DeBERTa's relative positions: the distance from query i to key j, log-bucketed beyond position_buckets / 2,
// as the row of the relative embeddings the disentangled attention reads for that pair.
import type { DebertaV2Config } from '../model/types';
import { relativeAttentionSpan } from '../model/weights';

const f32 = Math.fround;

/**
 * transformers' make_log_bucket_position for one distance, in float32 step by step as torch computes it:
 * distances within bucketSize / 2 stay as they are, longer ones are compressed logarithmically so that
 * maxPosition - 1 maps to the last bucket.
 */
export function logBucketPosition(distance: number, bucketSize: number, maxPosition: number): number {
  const mid = Math.floor(bucketSize / 2);
  const abs = distance < mid && distance > -mid ? mid - 1 : Math.abs(distance);
  if (abs <= mid) return distance;
  const ratio = f32(f32(Math.log(f32(abs / mid))) / f32(Math.log(f32((maxPosition - 1) / mid))));
  return Math.sign(distance) * (Math.ceil(f32(ratio * (mid - 1))) + mid);
}

/**
 * [P, P] (P = max_position_embeddings): the row of the relative embeddings that query i reads for key j
 * (transformers' c2p_pos, clamp(bucket(i - j) + span, 0, 2 span - 1)). Position-to-content reads the same
 * table transposed, as its distance is measured from the key.
 */
export function relativePositionIndex(config: DebertaV2Config): BigInt64Array {
  const P = config.max_position_embeddings;
  const span = relativeAttentionSpan(config);
  const bucketed = config.position_buckets > 0;
  const byDistance = new Map<number, bigint>();
  for (let d = -(P - 1); d <= P - 1; d++) {
    const bucket = bucketed ? logBucketPosition(d, config.position_buckets, config.max_relative_positions) : d;
    byDistance.set(d, BigInt(Math.min(Math.max(bucket + span, 0), 2 * span - 1)));
  }
  const table = new BigInt64Array(P * P);
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) table[i * P + j] = byDistance.get(i - j)!;
  return table;
}
