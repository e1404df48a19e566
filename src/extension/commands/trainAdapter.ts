// "PASTA: Train Adapter": asks for the task, base model and adapter name, then trains in a worker process
// with a cancellable progress notification and the dashboard following along.
import * as vscode from 'vscode';
import { updateProjectFile, readProjectFile } from '../../core/project/projectFile.js';
import type { RunView } from '../../protocol/dashboard.js';
import { offerMissingLabels } from '../training/missingLabels.js';
import { settingsOverrides } from '../training/settingsOverrides.js';
import { askTrainChoices, parseTrainArgs, type TrainChoices } from '../training/trainPrompts.js';
import type { ActiveTraining, FinishedTraining } from '../training/trainingRuns.js';
import { requireTrust } from '../trust.js';
import type { PastaCommand, PastaContext } from './context.js';

/** What the command returns (tests and other commands read it); false when it did not train. */
export interface TrainCommandResult {
  status: RunView['status'];
  adapterName: string;
  adapterDir?: string;
  message?: string;
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'The workspace folder whose annotations train the adapter', ignoreFocusOut: true });
}

/** Writes the task and base model into project.json when the person chose others than it names. */
async function applyChoices(root: string, choices: TrainChoices, current: { task: string; baseModel: string }): Promise<void> {
  if (choices.task === current.task && choices.baseModel === current.baseModel) return;
  await updateProjectFile(root, (raw) => {
    if (choices.task !== current.task) raw.task = choices.task;
    if (choices.baseModel !== current.baseModel) raw.baseModel = choices.baseModel;
  });
}

function progressMessage(run: RunView, cancelling: boolean): string {
  if (cancelling) return 'cancelling after the current step…';
  const latest = run.latest;
  if (!latest) return run.device ? `starting on ${run.device}…` : 'loading the base model and data…';
  const loss = run.losses.at(-1)?.loss;
  const eta = Math.max(0, Math.round(latest.etaSeconds));
  const etaText = eta >= 60 ? `${Math.floor(eta / 60)} min ${eta % 60} s` : `${eta} s`;
  return `epoch ${latest.epoch} · step ${latest.step}/${run.totalSteps ?? '?'} · loss ${loss?.toFixed(4) ?? '–'} · ETA ${etaText}`;
}

function followWithProgress(ctx: PastaContext, training: ActiveTraining): Thenable<FinishedTraining> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `PASTA: training ${training.request.adapterName}`, cancellable: true },
    async (progress, token) => {
      token.onCancellationRequested(() => training.cancel());
      let reported = 0;
      const subscription = training.onEvent((event) => {
        const run = training.run;
        if (event.type === 'start') ctx.statusBar.setResolvedDevice(event.device);
        const done = run.totalSteps && run.latest ? Math.min(100, (100 * run.latest.step) / run.totalSteps) : 0;
        if (event.type === 'step' || event.type === 'start' || event.type === 'epoch') {
          progress.report({ message: progressMessage(run, training.cancelRequested), increment: Math.max(0, done - reported) });
          reported = Math.max(reported, done);
        }
      });
      progress.report({ message: progressMessage(training.run, false) });
      try {
        return await training.finished;
      } finally {
        subscription.dispose();
      }
    },
  );
}

/** Makes the adapter the active one and turns model highlighting on (true: on, never a toggle off). */
async function highlightWith(ctx: PastaContext, adapterName: string): Promise<void> {
  await ctx.statusBar.setActiveAdapter(adapterName);
  await vscode.commands.executeCommand('pasta.toggleHighlighting', true);
}

async function report(ctx: PastaContext, finished: FinishedTraining): Promise<void> {
  const { run, result } = finished;
  const name = run.adapterName;
  if (run.status === 'done') {
    ctx.tree.refresh();
    if (run.device) ctx.statusBar.setResolvedDevice(run.device);
    if (!ctx.statusBar.activeAdapter) await ctx.statusBar.setActiveAdapter(name);
    const best = run.epochs.find((e) => e.epoch === run.bestEpoch);
    const score = best ? ` dev ${run.task === 'sequence' ? 'macro-F1' : 'F1'} ${(100 * best.f1).toFixed(1)} (epoch ${best.epoch})` : '';
    const choice = await vscode.window.showInformationMessage(
      `PASTA: adapter ${name} trained on ${run.device ?? 'cpu'}:${score}.`,
      'Highlight entities with it',
      'Show Dashboard',
    );
    if (choice === 'Highlight entities with it') await highlightWith(ctx, name);
    if (choice === 'Show Dashboard') ctx.dashboard.show(false);
    return;
  }
  if (run.status === 'cancelled') {
    const resumable = run.checkpoint
      ? ' Its last epoch checkpoint is kept: train the same adapter again to resume.'
      : ' No epoch had finished, so there is nothing to resume.';
    void vscode.window.showInformationMessage(`PASTA: training of ${name} was cancelled.${resumable}`);
    return;
  }
  const what = result.kind === 'crashed' ? 'the training worker crashed' : 'training failed';
  ctx.log.error(`training ${name}: ${run.message}`);
  const choice = await vscode.window.showErrorMessage(`PASTA: ${what}: ${run.message}. No adapter was written.`, 'Show Log');
  if (choice === 'Show Log') ctx.log.show();
}

export const trainAdapter: PastaCommand = {
  id: 'pasta.trainAdapter',
  async run(ctx, arg?: unknown): Promise<TrainCommandResult | false> {
    if (!requireTrust('training')) return false;
    const running = ctx.training.running;
    if (running) {
      const choice = await vscode.window.showInformationMessage(`PASTA: ${running.request.adapterName} is being trained.`, 'Show Dashboard', 'Cancel Training');
      if (choice === 'Show Dashboard') ctx.dashboard.show(false);
      if (choice === 'Cancel Training') running.cancel();
      return false;
    }
    const folder = await pickFolder();
    if (!folder) {
      void vscode.window.showErrorMessage('PASTA: open a folder to train an adapter on its annotations.');
      return false;
    }
    const root = folder.uri.fsPath;
    const { project } = await readProjectFile(root);
    const overrides = settingsOverrides(folder.uri);
    const args = parseTrainArgs(arg);
    const choices = await askTrainChoices(root, project, args, overrides.epochs ?? project.hyperparameters.epochs);
    if (!choices) return false;
    await applyChoices(root, choices, project);
    if (!(await offerMissingLabels(root, args.addLabels))) return false;

    const training = ctx.training.start(
      { workspaceRoot: root, adapterName: choices.adapterName, overrides, resume: choices.resumeFrom !== undefined },
      choices.resumeFrom,
    );
    ctx.dashboard.show(true);
    const finished = await followWithProgress(ctx, training);
    void report(ctx, finished);
    return { status: finished.run.status, adapterName: finished.run.adapterName, adapterDir: finished.run.adapterDir, message: finished.run.message };
  },
};
