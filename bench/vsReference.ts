// The vs-reference rows: our training step against frozen-base PyTorch PASTA at equal work, that is with the same
// dropouts (none; pasta: the vectors and the head's input; all: also the encoder's own, as model.train()), PyTorch
// with eager and with SDPA attention, each setting's PyTorch runs and ours back to back. The published set-up (base
// not frozen, every weight's gradient computed) trains with all dropouts: it appears in the "all" rows. Two models:
// all-MiniLM-L6-v2 and BERT-base's shape with random weights on both sides (the values do not change the work).
import { spawnSync } from 'node:child_process';
import { DROPOUT_MODES, type DropoutMode } from '../src/core/graph/encoderDropout';

type Row = Record<string, unknown>;

/** A model both sides train: its name in bench_reference.py and what bench/trainStep.ts takes for it. */
export interface VsReferenceModel {
  reference: 'all-MiniLM-L6-v2' | 'bert-base-random';
  ours: string;
}

function reference(python: string, model: VsReferenceModel, threads: string, dropout: DropoutMode, variants: string, attentions: string): Row[] {
  const args = ['tools/reference/bench_reference.py', '--threads', threads, '--models', model.reference];
  if (model.reference === 'all-MiniLM-L6-v2') args.push('--minilm', model.ours);
  const res = spawnSync(python, [...args, '--dropouts', dropout, '--variants', variants, '--attentions', attentions], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return res.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Row);
}

export function vsReference(
  python: string,
  model: VsReferenceModel,
  threads: string,
  precision: string,
  ours: (dropout: DropoutMode) => Row | undefined,
): Row[] {
  const rows: Row[] = [];
  for (const dropout of DROPOUT_MODES) {
    const refs = reference(python, model, threads, dropout, dropout === 'all' ? 'frozen,published' : 'frozen', 'eager,sdpa');
    const mine = ours(dropout);
    for (const attention of ['eager', 'sdpa']) {
      const frozen = refs.find((r) => r.variant === 'frozen' && r.attention === attention);
      const published = refs.find((r) => r.variant === 'published' && r.attention === attention);
      if (!mine || !frozen) {
        rows.push({
          bench: 'vs-reference',
          model: model.reference,
          dropout,
          attention,
          error: mine ? 'the reference benchmark printed no result (see above)' : 'our train step failed',
        });
        continue;
      }
      const oursPerS = mine.tokens_per_s as number;
      rows.push({
        bench: 'vs-reference',
        unit: 'tokens/s',
        model: model.reference,
        batch: 8,
        seq: 128,
        threads: Number(threads),
        device: mine.device,
        dropout,
        attention,
        precision: mine.precision ?? precision,
        ours_tokens_per_s: oursPerS,
        frozen_reference_tokens_per_s: frozen.tokens_per_s,
        ratio_vs_frozen: Number((oursPerS / (frozen.tokens_per_s as number)).toFixed(2)),
        ours_cpu_ms_per_step: mine.cpu_ms_per_step,
        frozen_reference_cpu_ms_per_step: frozen.cpu_ms_per_step,
        ours_peak_rss_mb: mine.peak_rss_mb,
        frozen_reference_peak_rss_mb: frozen.peak_rss_mb,
        ...(published
          ? {
              reference_tokens_per_s: published.tokens_per_s,
              ratio: Number((oursPerS / (published.tokens_per_s as number)).toFixed(2)),
              reference_peak_rss_mb: published.peak_rss_mb,
            }
          : {}),
      });
    }
  }
  return rows;
}
