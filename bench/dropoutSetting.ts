// The dropout setting and seed of a training benchmark, from the environment: PASTA_DROPOUT (none | pasta | all,
// default pasta), PASTA_DROPOUT_RATE (the vectors' and head's rate; the config's hidden_dropout_prob by default),
// PASTA_SEED (42).
import { DEFAULT_HYPERPARAMETERS } from '../src/core/project/projectFile';
import { DROPOUT_MODES, type DropoutMode } from '../src/core/graph/encoderDropout';

export function benchDropout(): { dropout: DropoutMode; dropoutRate?: number; seed: number; encoderDropout: boolean } {
  const dropout = (process.env.PASTA_DROPOUT ?? DEFAULT_HYPERPARAMETERS.dropout) as DropoutMode;
  if (!DROPOUT_MODES.includes(dropout)) throw new Error(`PASTA_DROPOUT must be one of ${DROPOUT_MODES.join(', ')}, got ${dropout}`);
  const seed = Number(process.env.PASTA_SEED ?? 42);
  return {
    dropout,
    ...(process.env.PASTA_DROPOUT_RATE ? { dropoutRate: Number(process.env.PASTA_DROPOUT_RATE) } : {}),
    seed,
    encoderDropout: dropout === 'all',
  };
}
