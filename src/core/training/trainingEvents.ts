// What a training run reports as it goes: one schema per event, which gives both the TrainingEvent type and
// the validator the extension applies to events that cross from the training worker.
import * as v from 'valibot';
import type { DevScores } from '../pasta/tasks';

/** Any number, NaN included: a diverged loss is reported, not refused. */
const number = v.custom<number>((input) => typeof input === 'number');
const path = v.pipe(v.string(), v.maxLength(4096));

const scores = { precision: number, recall: number, f1: number };
export const devScores = v.object({
  ...scores,
  perLabel: v.record(v.string(), v.object({ ...scores, support: number })),
  accuracy: v.optional(number),
});
// DevScores is the scorers' own type; this keeps the schema and it in step, both ways.
const devScoresInStep: [v.InferOutput<typeof devScores>, DevScores] extends [DevScores, v.InferOutput<typeof devScores>] ? true : never = true;
void devScoresInStep;

export const trainingEventSchemas = {
  start: v.object({
    type: v.literal('start'),
    device: v.pipe(v.string(), v.maxLength(100)),
    fallbackReason: v.optional(v.pipe(v.string(), v.maxLength(100_000))),
    /** With device auto: why no GPU was used. */
    autoReason: v.optional(v.pipe(v.string(), v.maxLength(100_000))),
    /** The precision the frozen base runs in (fp32 or int8); absent from events of older workers. */
    precision: v.optional(v.pipe(v.string(), v.maxLength(100))),
    /** Why the precision asked for is not the one used (int8 on a GPU provider). */
    precisionReason: v.optional(v.pipe(v.string(), v.maxLength(100_000))),
    trainExamples: number,
    devExamples: number,
    totalSteps: number,
    trainableParameters: number,
    resumedFromEpoch: v.optional(number),
    /** The dropout setting (none, pasta, all). */
    dropout: v.optional(v.picklist(['none', 'pasta', 'all'])),
  }),
  step: v.object({
    type: v.literal('step'),
    epoch: number,
    step: number,
    totalSteps: number,
    loss: number,
    learningRate: number,
    tokensPerSecond: number,
    etaSeconds: number,
  }),
  epoch: v.object({
    type: v.literal('epoch'),
    epoch: number,
    trainLoss: number,
    dev: devScores,
    best: v.boolean(),
    secondsPerEpoch: number,
    devSeconds: number,
  }),
  checkpoint: v.object({ type: v.literal('checkpoint'), epoch: number, path }),
  'early-stop': v.object({ type: v.literal('early-stop'), epoch: number, bestEpoch: number }),
  cancelled: v.object({ type: v.literal('cancelled'), epoch: number, step: number, checkpoint: v.optional(path) }),
  done: v.object({ type: v.literal('done'), bestEpoch: number, best: devScores }),
};

export type TrainingEvent = v.InferOutput<(typeof trainingEventSchemas)[keyof typeof trainingEventSchemas]>;
