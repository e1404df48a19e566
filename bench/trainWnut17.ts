// WNUT-17 NER with a PASTA adapter on a real encoder: train on train, select on dev, report dev and test
// entity F1 (seqeval strict IOB2) and seconds per epoch.
// Usage: node --import tsx bench/trainWnut17.ts [epochs] [model-folder]
// Environment: PASTA_LR (3e-3), PASTA_BATCH (16), PASTA_PATIENCE (5), PASTA_DROPOUT, PASTA_DROPOUT_RATE, PASTA_SEED
// (bench/dropoutSetting.ts),
// PASTA_LABEL_ALL=1 (label every sub-word, not only the first), PASTA_THREADS (all cores), PASTA_PRECISION (fp32).
import { benchDevice, benchPrecision, deviceFields } from './device';
import { benchDropout } from './dropoutSetting';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { readConll } from '../src/core/data/formats/conll';
import { defaultModelDir } from '../src/core/model/hub/cacheDir';
import { loadModelFolder } from '../src/core/model/modelFolder';
import { loadTokenizer } from '../src/core/model/tokenizer';
import { PastaRuntime } from '../src/core/pasta/runtime';
import { prepareTokenTask } from '../src/core/pasta/tasks';
import { evaluate, train } from '../src/core/training/trainer';
import { WNUT17_DIR, WNUT17_LABELS } from './wnut17';

async function main() {
  const epochs = Number(process.argv[2] ?? 10);
  const modelDir = process.argv[3] ?? defaultModelDir();
  const threads = Number(process.env.PASTA_THREADS ?? availableParallelism());
  const [trainDocs, devDocs, testDocs] = await Promise.all([
    readConll(join(WNUT17_DIR, 'train.conll')),
    readConll(join(WNUT17_DIR, 'dev.conll')),
    readConll(join(WNUT17_DIR, 'test.conll'), { multiTag: 'first', strict: false }),
  ]);
  const [{ config, weights }, tokenizer] = await Promise.all([loadModelFolder(modelDir), loadTokenizer(modelDir)]);
  const options = { maxLength: 128, stride: 32, wordSplit: 'whitespace' as const, labelAllSubwords: process.env.PASTA_LABEL_ALL === '1' };
  const task = prepareTokenTask(tokenizer, WNUT17_LABELS, trainDocs, devDocs, options);
  const { encoderDropout, ...dropoutSetting } = benchDropout();
  const runtime = new PastaRuntime({
    config,
    weights,
    task: 'token',
    numLabels: task.id2label.length,
    numSlots: 2,
    padTokenId: tokenizer.specialTokens.pad,
    device: benchDevice(),
    threads,
    encoderDropout,
    precision: benchPrecision(),
  });
  const epochSeconds: number[] = [];
  const devSeconds: number[] = [];
  const hyperparameters = {
    epochs,
    batchSize: Number(process.env.PASTA_BATCH ?? 16),
    learningRate: Number(process.env.PASTA_LR ?? 3e-3),
    warmupRatio: 0.1,
    weightDecay: 0,
    patience: Number(process.env.PASTA_PATIENCE ?? 5),
    ...dropoutSetting,
  };
  const result = await train({
    runtime,
    task,
    hyperparameters,
    onEvent: (e) => {
      if (e.type === 'epoch') {
        epochSeconds.push(e.secondsPerEpoch);
        devSeconds.push(e.devSeconds);
        console.error(
          `epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)}, dev F1 ${(100 * e.dev.f1).toFixed(2)}${e.best ? ' (best)' : ''}, ${e.secondsPerEpoch.toFixed(1)} s (dev ${e.devSeconds.toFixed(1)} s)`,
        );
      }
    },
  });
  const testTask = prepareTokenTask(tokenizer, WNUT17_LABELS, [], testDocs, options);
  const test = await evaluate(runtime, testTask, result.params, 32);
  // Each word's most probable tag, as the PyTorch reference scripts decode: the comparable number.
  const testArgmax = await evaluate(runtime, testTask, result.params, 32, 'argmax');
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(
    JSON.stringify({
      bench: 'train-wnut17',
      unit: 'entity F1 (seqeval strict IOB2)',
      model: modelDir.endsWith('all-MiniLM-L6-v2') ? 'all-MiniLM-L6-v2' : modelDir,
      dev_f1: Number(result.best!.f1.toFixed(4)),
      test_f1: Number(test.f1.toFixed(4)),
      test_precision: Number(test.precision.toFixed(4)),
      test_recall: Number(test.recall.toFixed(4)),
      test_f1_argmax: Number(testArgmax.f1.toFixed(4)),
      decoding: 'viterbi (valid IOB2)',
      best_epoch: result.bestEpoch,
      epochs: result.history.length,
      seconds_per_epoch: Number(median(epochSeconds).toFixed(1)),
      // The epoch above is the training pass plus scoring dev for model selection; each apart:
      train_seconds_per_epoch: Number(median(epochSeconds.map((s, i) => s - devSeconds[i])).toFixed(1)),
      dev_seconds_per_epoch: Number(median(devSeconds).toFixed(1)),
      threads,
      dropout: dropoutSetting.dropout,
      seed: dropoutSetting.seed,
      learning_rate: hyperparameters.learningRate,
      batch_size: hyperparameters.batchSize,
      train_sentences: trainDocs.length,
      ...deviceFields(runtime),
    }),
  );
  await runtime.release();
}
main().catch((err) => {
  console.error(err);
  process.exit(2);
});
