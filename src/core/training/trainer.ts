// The training loop: AdamW on the PASTA vectors and the head, linear warm-up and decay, dev evaluation and
// best-epoch selection on F1, early stopping, a checkpoint every epoch, cancel and resume, and a guard
// against NaN or divergence. Progress leaves as one stream of typed events.
import { join } from 'node:path';
import type { EncodedExample } from '../engine/batch';
import { AdamW, linearScheduleWithWarmup } from './adamw';
import { CHECKPOINT_FILE, loadTrainingCheckpoint, saveTrainingCheckpoint, type TrainingCheckpoint } from './trainingCheckpoint';
import { SeededRandom } from '../util/random';
import { flatten, initParams, type PastaParams, type PastaRuntime } from '../pasta/runtime';
import type { DevScores, PreparedTask } from '../pasta/tasks';
import type { TagDecoding } from '../pasta/iob2Decoding';
import type { TrainingEvent } from './trainingEvents';
import { deviceFailure, type FailurePoint } from './deviceFailure';
import { TrainingError } from './trainingError';
import { SessionCreationError } from '../engine/session';
import type { DropoutMode } from '../graph/encoderDropout';

export interface TrainingHyperparameters {
  epochs: number;
  batchSize: number;
  learningRate: number;
  warmupRatio: number;
  weightDecay: number;
  /**
   * Which dropouts apply (default "pasta"): "all" needs a runtime built with encoderDropout, whose training graph
   * holds the encoder's dropouts.
   */
  dropout?: DropoutMode;
  /** The rate on the vectors and the head's input; the config's hidden_dropout_prob by default. */
  dropoutRate?: number;
  /** Epochs without a dev F1 improvement before stopping; 0 never stops early. */
  patience: number;
  seed: number;
}

export interface TrainOptions {
  runtime: PastaRuntime;
  task: PreparedTask;
  hyperparameters: TrainingHyperparameters;
  /** Folder for per-epoch checkpoints; resume continues from the one found there. */
  checkpointDir?: string;
  resume?: boolean;
  /** Changes to data or settings make an old checkpoint unusable: it must carry this same fingerprint. */
  runFingerprint?: string;
  signal?: AbortSignal;
  onEvent?: (event: TrainingEvent) => void;
}

export interface TrainResult {
  params: PastaParams;
  bestEpoch: number;
  /** Undefined only when training was cancelled before the first epoch ended. */
  best?: DevScores;
  history: { epoch: number; trainLoss: number; dev: DevScores }[];
  cancelled: boolean;
}

export { TrainingError };

/** Batches of similar length (less padding), in a seeded random order each epoch. */
export function lengthBuckets(examples: EncodedExample[], batchSize: number, random: SeededRandom): EncodedExample[][] {
  const order = random.shuffle(examples.map((_, i) => i)).sort((a, b) => examples[a].inputIds.length - examples[b].inputIds.length);
  const batches: EncodedExample[][] = [];
  for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize).map((k) => examples[k]));
  return random.shuffle(batches);
}

function copyParams(p: PastaParams): PastaParams {
  return { vectors: p.vectors.map((v) => v.slice()), classifierWeight: p.classifierWeight.slice(), classifierBias: p.classifierBias.slice() };
}

function allFinite(arrays: Float32Array[]): boolean {
  return arrays.every((a) => a.every(Number.isFinite));
}

function batchShape(batch: EncodedExample[]): [number, number] {
  return [batch.length, Math.max(0, ...batch.map((e) => e.inputIds.length))];
}

/** Runs `work` on the runtime's device; a GPU's failure becomes a DeviceFailure that says where and what now. */
async function onDevice<T>(runtime: PastaRuntime, work: () => Promise<T>, at: () => Omit<FailurePoint, 'device'>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    // A session that could not be created names its device: on a resume, no session was placed before it.
    const device = error instanceof SessionCreationError ? error.device : runtime.device;
    if (device === undefined || device === 'cpu' || error instanceof TrainingError) throw error;
    throw deviceFailure(error, { ...at(), device });
  }
}

export async function evaluate(runtime: PastaRuntime, task: PreparedTask, params: PastaParams, batchSize: number, decoding?: TagDecoding): Promise<DevScores> {
  const probabilities: Float32Array[] = new Array(task.dev.length);
  const order = task.dev.map((_, i) => i).sort((a, b) => task.dev[a].inputIds.length - task.dev[b].inputIds.length);
  for (let i = 0; i < order.length; i += batchSize) {
    const idx = order.slice(i, i + batchSize);
    const rows = await runtime.predict(
      idx.map((k) => task.dev[k]),
      idx.map(() => params),
      idx.map(() => task.id2label.length),
    );
    idx.forEach((k, j) => (probabilities[k] = rows[j]));
  }
  return task.score(probabilities, decoding);
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  const { runtime, task, hyperparameters: hp, signal, onEvent = () => undefined } = options;
  if (task.train.length === 0) throw new TrainingError('the training set is empty: annotate some documents first');
  const config = runtime.options.config;
  const numSlots = runtime.options.numSlots;
  const stepsPerEpoch = Math.ceil(task.train.length / hp.batchSize);
  const totalSteps = stepsPerEpoch * hp.epochs;
  const schedule = linearScheduleWithWarmup(hp.learningRate, Math.round(hp.warmupRatio * totalSteps), totalSteps);
  const mode = hp.dropout ?? 'pasta';
  if ((mode === 'all') !== (runtime.options.encoderDropout === true))
    throw new Error(`dropout "${mode}" needs a runtime ${mode === 'all' ? 'with' : 'without'} encoderDropout`);
  const dropout = mode === 'none' ? 0 : (hp.dropoutRate ?? config.hidden_dropout_prob);

  let random = new SeededRandom(hp.seed);
  let params = initParams(config, numSlots, task.id2label.length, random.next);
  let optimizer = new AdamW(flatten(params), { weightDecay: hp.weightDecay });
  let startEpoch = 1;
  let best = { epoch: 0, f1: -1, params: copyParams(params), scores: undefined as DevScores | undefined };
  const history: TrainResult['history'] = [];

  const resumed = options.resume && options.checkpointDir ? await loadTrainingCheckpoint(options.checkpointDir, options.runFingerprint) : undefined;
  if (resumed) {
    params = resumed.params;
    optimizer = new AdamW(flatten(params), { weightDecay: hp.weightDecay });
    optimizer.state = resumed.optimizer;
    random = new SeededRandom(resumed.randomState);
    startEpoch = resumed.epoch + 1;
    best = { epoch: resumed.bestEpoch, f1: resumed.bestScores?.f1 ?? -1, params: resumed.bestParams, scores: resumed.bestScores };
    history.push(...resumed.history);
  }

  let step = (startEpoch - 1) * stepsPerEpoch;
  // A resumed run can be cancelled again before its first epoch ends: the checkpoint it resumed from still holds.
  let lastCheckpoint = resumed && options.checkpointDir ? join(options.checkpointDir, CHECKPOINT_FILE) : undefined;
  // A fresh run may still move to the CPU while its sessions are created; a resumed one has started, and from
  // its first step on no run switches device: a GPU that fails then stops it like a failed step.
  if (resumed) runtime.holdDevice();
  await onDevice(
    runtime,
    () => runtime.warmUp(),
    () => ({ epoch: startEpoch, step: step + 1, creatingSession: true, checkpoint: lastCheckpoint }),
  );
  runtime.holdDevice();
  onEvent({
    type: 'start',
    device: runtime.device ?? 'cpu',
    fallbackReason: runtime.fallbackReason,
    autoReason: runtime.autoReason,
    precision: runtime.precision?.used,
    precisionReason: runtime.precision?.reason,
    trainExamples: task.train.length,
    devExamples: task.dev.length,
    totalSteps,
    trainableParameters: flatten(params).reduce((n, a) => n + a.length, 0),
    resumedFromEpoch: resumed?.epoch,
    dropout: mode,
  });

  let epochsWithoutGain = history.length > 0 ? history.length - best.epoch : 0;
  for (let epoch = startEpoch; epoch <= hp.epochs; epoch++) {
    const started = performance.now();
    let lossSum = 0;
    let tokens = 0;
    for (const batch of lengthBuckets(task.train, hp.batchSize, random)) {
      if (signal?.aborted) {
        onEvent({ type: 'cancelled', epoch, step, checkpoint: lastCheckpoint });
        return { params: best.params, bestEpoch: best.epoch, best: best.scores, history, cancelled: true };
      }
      const { loss, grads } = await onDevice(
        runtime,
        () => runtime.trainStep(batch, params, { dropout, random: random.next, dropoutMask: random.dropoutMask, keepMask: random.keepMask }),
        () => ({
          epoch,
          step: step + 1,
          batch: batchShape(batch),
          checkpoint: lastCheckpoint,
        }),
      );
      const gradArrays = flatten(grads);
      if (!Number.isFinite(loss) || !allFinite(gradArrays)) {
        throw new TrainingError(`training diverged at epoch ${epoch}, step ${step + 1}: the loss became ${loss}; try a learning rate below ${hp.learningRate}`);
      }
      const lr = schedule(step);
      optimizer.step(gradArrays, lr);
      step++;
      lossSum += loss;
      tokens += batch.reduce((n, e) => n + e.inputIds.length, 0);
      const elapsed = (performance.now() - started) / 1000;
      const epochStepsDone = step - (epoch - 1) * stepsPerEpoch;
      onEvent({
        type: 'step',
        epoch,
        step,
        totalSteps,
        loss,
        learningRate: lr,
        tokensPerSecond: tokens / Math.max(elapsed, 1e-9),
        etaSeconds: (elapsed / epochStepsDone) * (totalSteps - step),
      });
    }
    const trainLoss = lossSum / stepsPerEpoch;
    const devStarted = performance.now();
    const dev = await onDevice(
      runtime,
      () => evaluate(runtime, task, params, hp.batchSize * 2),
      () => ({
        epoch,
        batch: batchShape(task.dev.slice(0, hp.batchSize * 2)),
        checkpoint: lastCheckpoint,
      }),
    );
    const devSeconds = (performance.now() - devStarted) / 1000;
    const isBest = dev.f1 > best.f1;
    if (isBest) {
      best = { epoch, f1: dev.f1, params: copyParams(params), scores: dev };
      epochsWithoutGain = 0;
    } else epochsWithoutGain++;
    history.push({ epoch, trainLoss, dev });
    onEvent({ type: 'epoch', epoch, trainLoss, dev, best: isBest, secondsPerEpoch: (performance.now() - started) / 1000, devSeconds });
    if (history.length >= 3 && trainLoss > 10 * Math.max(history[0].trainLoss, 1e-3)) {
      throw new TrainingError(
        `training diverged at epoch ${epoch}: the mean loss rose from ${history[0].trainLoss.toFixed(3)} to ${trainLoss.toFixed(3)}; try a lower learning rate`,
      );
    }
    if (options.checkpointDir) {
      const checkpoint: TrainingCheckpoint = {
        epoch,
        params,
        optimizer: optimizer.state,
        randomState: random.state,
        bestEpoch: best.epoch,
        bestParams: best.params,
        bestScores: best.scores,
        history,
        runFingerprint: options.runFingerprint,
      };
      lastCheckpoint = await saveTrainingCheckpoint(options.checkpointDir, checkpoint);
      onEvent({ type: 'checkpoint', epoch, path: lastCheckpoint });
    }
    if (hp.patience > 0 && epochsWithoutGain >= hp.patience) {
      onEvent({ type: 'early-stop', epoch, bestEpoch: best.epoch });
      break;
    }
  }
  onEvent({ type: 'done', bestEpoch: best.epoch, best: best.scores! });
  return { params: best.params, bestEpoch: best.epoch, best: best.scores!, history, cancelled: false };
}
