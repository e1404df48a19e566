// Folds the worker's events into the run the dashboard shows. Pure, so the same run can be rebuilt, stored and
// tested without VS Code.
import { type EpochRow, type LossPoint, MAX_LOSS_POINTS, type RunView } from '../../protocol/dashboard.js';
import type { DevScores } from '../../core/pasta/tasks.js';
import type { WorkerEvent } from '../../protocol/trainingWorker.js';

/** The epochs a resumed run already has (from its checkpoint); the trainer does not replay their events. */
export interface ResumedHistory {
  history: { epoch: number; trainLoss: number; dev: DevScores }[];
  bestEpoch: number;
}

export function newRun(adapterName: string, resumed?: ResumedHistory, now = new Date()): RunView {
  const epochs: EpochRow[] = (resumed?.history ?? []).map((h) => epochRow(h.epoch, h.trainLoss, h.dev, h.epoch === resumed?.bestEpoch, 0));
  return { adapterName, status: 'running', startedAt: now.toISOString(), losses: [], epochs, bestEpoch: resumed?.bestEpoch || undefined };
}

function epochRow(epoch: number, trainLoss: number, dev: DevScores, best: boolean, seconds: number): EpochRow {
  return { epoch, trainLoss, f1: dev.f1, precision: dev.precision, recall: dev.recall, accuracy: dev.accuracy, perLabel: dev.perLabel, best, seconds };
}

/** Halves the points (every other one) whenever there are too many: old steps lose detail, never the shape. */
function appendLoss(losses: LossPoint[], point: LossPoint): LossPoint[] {
  const out = [...losses, point];
  return out.length > MAX_LOSS_POINTS ? out.filter((_, i) => i % 2 === 1 || i === out.length - 1) : out;
}

export function applyEvent(run: RunView, event: WorkerEvent): RunView {
  switch (event.type) {
    case 'start': {
      // Epochs seeded from a checkpoint stay only if the trainer did resume from it (same data and settings).
      const resumed = event.resumedFromEpoch ?? 0;
      const epochs = run.epochs.filter((e) => e.epoch <= resumed);
      return {
        ...run,
        epochs,
        bestEpoch: epochs.some((e) => e.epoch === run.bestEpoch) ? run.bestEpoch : undefined,
        device: event.device,
        fallbackReason: event.fallbackReason,
        autoReason: event.autoReason,
        precision: event.precision,
        precisionReason: event.precisionReason,
        trainExamples: event.trainExamples,
        devExamples: event.devExamples,
        totalSteps: event.totalSteps,
        trainableParameters: event.trainableParameters,
        resumedFromEpoch: event.resumedFromEpoch,
        dropout: event.dropout,
      };
    }
    case 'step':
      return {
        ...run,
        losses: appendLoss(run.losses, { step: event.step, loss: event.loss }),
        latest: {
          epoch: event.epoch,
          step: event.step,
          tokensPerSecond: event.tokensPerSecond,
          etaSeconds: event.etaSeconds,
          learningRate: event.learningRate,
        },
      };
    case 'epoch': {
      const row = epochRow(event.epoch, event.trainLoss, event.dev, event.best, event.secondsPerEpoch);
      const epochs = [...run.epochs.filter((e) => e.epoch !== event.epoch), row].map((e) => (event.best && e !== row ? { ...e, best: false } : e));
      return { ...run, epochs, bestEpoch: event.best ? event.epoch : run.bestEpoch };
    }
    case 'checkpoint':
      return { ...run, checkpoint: event.path };
    case 'cancelled':
      return { ...run, checkpoint: event.checkpoint ?? run.checkpoint };
    case 'done':
      return { ...run, bestEpoch: event.bestEpoch };
    case 'early-stop':
    case 'info':
      return run;
  }
}

export function finishRun(run: RunView, status: Exclude<RunView['status'], 'running'>, message: string | undefined, now = new Date()): RunView {
  return { ...run, status, message, finishedAt: now.toISOString() };
}
