// The training run of this window: at most one worker at a time, its run as the dashboard draws it, and the last
// finished run (kept in workspaceState so that the dashboard shows it after a reload).
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { RunView } from '../../protocol/dashboard.js';
import { isRunView } from '../../protocol/dashboard.js';
import { applyEvent, finishRun, newRun, type ResumedHistory } from './runHistory.js';
import { startTrainingWorker, type TrainingWorker, type WorkerResult } from './workerClient.js';
import type { TrainingRequest, WorkerEvent } from '../../protocol/trainingWorker.js';

const LAST_RUN_KEY = 'pasta.lastTrainingRun';

export interface FinishedTraining {
  run: RunView;
  result: WorkerResult;
}

export interface ActiveTraining {
  readonly request: TrainingRequest;
  readonly run: RunView;
  /** Every event, after the run has folded it in. */
  readonly onEvent: vscode.Event<WorkerEvent>;
  readonly finished: Promise<FinishedTraining>;
  readonly cancelRequested: boolean;
  cancel(): void;
}

export class TrainingRuns implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunView | undefined>();
  /** Fires with the run shown now, whenever it changes. */
  readonly onDidChange = this.changed.event;
  private active: (ActiveTraining & { worker: TrainingWorker }) | undefined;

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get workerPath(): string {
    return vscode.Uri.joinPath(this.extension.extensionUri, 'dist', 'trainingWorker.js').fsPath;
  }

  /** The run in progress, else the last one that finished in this workspace. */
  get current(): RunView | undefined {
    if (this.active) return this.active.run;
    const stored = this.extension.workspaceState.get<unknown>(LAST_RUN_KEY);
    return isRunView(stored) ? stored : undefined;
  }

  get running(): ActiveTraining | undefined {
    return this.active;
  }

  start(request: TrainingRequest, resumed?: ResumedHistory): ActiveTraining {
    if (this.active) throw new Error(`the adapter "${this.active.request.adapterName}" is being trained; cancel it first`);
    if (!existsSync(this.workerPath)) throw new Error(`${this.workerPath} is missing: the extension was not built (npm run build)`);
    const events = new vscode.EventEmitter<WorkerEvent>();
    let run = newRun(request.adapterName, resumed);
    let cancelRequested = false;
    const worker = startTrainingWorker({
      workerPath: this.workerPath,
      request,
      onEvent: (event) => {
        run = applyEvent(run, event);
        if (event.type === 'info') this.log.info(`training ${request.adapterName}: ${event.message}`);
        events.fire(event);
        this.changed.fire(run);
      },
      onRejected: (reason) => this.log.warn(reason),
    });
    this.log.info(`training ${request.adapterName} in worker process ${worker.pid} (${JSON.stringify(request.overrides)}${request.resume ? ', resume' : ''})`);
    const finished = worker.result.then(async (result) => {
      run = { ...finishRun(run, ...ending(result, cancelRequested)), task: result.kind === 'done' ? result.outcome.task : run.task };
      if (result.kind === 'done' && result.outcome.adapterDir)
        run = { ...run, adapterDir: result.outcome.adapterDir, device: result.outcome.device ?? run.device };
      this.active = undefined;
      events.dispose();
      await this.extension.workspaceState.update(LAST_RUN_KEY, run);
      this.changed.fire(run);
      this.log.info(`training ${request.adapterName} ended: ${run.status}${run.message ? ` (${run.message})` : ''}`);
      return { run, result };
    });
    this.active = {
      request,
      worker,
      finished,
      onEvent: events.event,
      get run() {
        return run;
      },
      get cancelRequested() {
        return cancelRequested;
      },
      cancel: () => {
        if (cancelRequested) return;
        cancelRequested = true;
        this.log.info(`training ${request.adapterName}: cancel requested`);
        worker.cancel();
      },
    };
    this.changed.fire(run);
    return this.active;
  }

  dispose(): void {
    // The worker also stops by itself when the extension host goes away (its IPC channel closes).
    this.active?.worker.kill();
    this.changed.dispose();
  }
}

function ending(result: WorkerResult, cancelRequested: boolean): [Exclude<RunView['status'], 'running'>, string | undefined] {
  switch (result.kind) {
    case 'done':
      return result.outcome.cancelled ? ['cancelled', 'cancelled; the last epoch checkpoint is kept for resuming'] : ['done', undefined];
    case 'error':
      return ['failed', result.message];
    case 'crashed':
      // A cancelled worker that did not stop in time is killed: that is still a cancel.
      return cancelRequested ? ['cancelled', 'cancelled (the worker was stopped)'] : ['failed', result.reason];
  }
}
