// A GPU that fails mid-training (device lost, out of memory at a batch size, a provider error at a step, a session
// it cannot create once the run has started or resumes) is not
// a bug in PASTA: the user gets one line naming the device, where it failed, the checkpoint kept and what to
// do, and training stops without writing an adapter. On the CPU the same failure stays an internal error.
import { firstLine } from '../engine/session';
import type { Device } from '../engine/deviceNames';
import { TrainingError } from './trainingError';

export interface FailurePoint {
  device: Device;
  epoch: number;
  /** The step that failed, or the next one when a session failed (1-based over the whole run); undefined when the dev evaluation failed. */
  step?: number;
  /** Rows x tokens of the batch that failed; undefined when a session failed. */
  batch?: [number, number];
  /** Creating a session failed (the step had not run). */
  creatingSession?: boolean;
  /** The last epoch checkpoint, which a resumed run continues from. */
  checkpoint?: string;
}

export class DeviceFailure extends TrainingError {
  override name = 'DeviceFailure';
}

export function deviceFailure(error: unknown, at: FailurePoint): DeviceFailure {
  const where = at.creatingSession
    ? `creating its session at epoch ${at.epoch}, before step ${at.step}`
    : at.step === undefined
      ? `at evaluating epoch ${at.epoch}`
      : `at epoch ${at.epoch}, step ${at.step}`;
  const batch = at.batch ? ` (a batch of ${at.batch[0]} x ${at.batch[1]} tokens)` : '';
  const kept = at.checkpoint
    ? `the checkpoint of the last finished epoch is kept (${at.checkpoint}): continue with pasta train --resume --device cpu (in VS Code: the setting pasta.device to cpu, then Train Adapter and Resume), or start again with a smaller --batch-size`
    : 'no epoch had finished, so there is no checkpoint: train again with --device cpu (the setting pasta.device in VS Code) or a smaller --batch-size';
  return new DeviceFailure(`the ${at.device} device failed ${where}${batch}: ${firstLine(error)}; ${kept}`);
}
