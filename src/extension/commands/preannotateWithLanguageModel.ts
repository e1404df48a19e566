// PASTA: Pre-annotate with a Language Model: the current file, the files selected in the explorer, or the next N
// unannotated files go to the model the settings choose; its suggestions are written to .pasta/suggestions (never
// to the annotations) and open in the review panel, marked as the model's, to accept or reject.
import * as vscode from 'vscode';
import { nextUnannotatedFiles, preannotateFiles, type FileOutcome } from '../../core/preannotate/preannotateFiles.js';
import { addUsage, describeUsage, NO_USAGE, type Usage } from '../../core/preannotate/usage.js';
import { chatModelFromSettings } from '../preannotate/chatModelFromSettings.js';
import { predictionsOf } from '../predictions/predictionsFeature.js';
import { requireTrust } from '../trust.js';
import type { PastaCommand, PastaContext } from './context.js';

const DEFAULT_NEXT = 10;

/** The files asked for, grouped by workspace folder; undefined when the person cancelled a question. */
async function targets(ctx: PastaContext, uriArg: unknown, urisArg: unknown): Promise<Map<vscode.WorkspaceFolder, string[]> | undefined> {
  const byFolder = new Map<vscode.WorkspaceFolder, string[]>();
  const add = (folder: vscode.WorkspaceFolder, file: string) => byFolder.set(folder, [...(byFolder.get(folder) ?? []), file]);
  const given = Array.isArray(urisArg) && urisArg.length > 0 ? urisArg : uriArg instanceof vscode.Uri ? [uriArg] : [];
  if (given.length > 0) {
    for (const uri of given) {
      const file = uri instanceof vscode.Uri ? ctx.annotations.locate(uri) : undefined;
      if (file) add(file.folder, file.relativePath);
    }
    return byFolder;
  }
  const current = vscode.window.activeTextEditor?.document.uri;
  const currentFile = current ? ctx.annotations.locate(current) : undefined;
  const choice = await vscode.window.showQuickPick(
    [
      ...(currentFile ? [{ label: `Current file: ${currentFile.relativePath}`, next: false }] : []),
      { label: 'Next unannotated files…', detail: 'Text files (.txt, .md, …) with neither annotations nor suggestions, in path order', next: true },
    ],
    { title: 'PASTA: pre-annotate with a language model', ignoreFocusOut: true },
  );
  if (!choice) return undefined;
  if (!choice.next) {
    add(currentFile!.folder, currentFile!.relativePath);
    return byFolder;
  }
  const count = await vscode.window.showInputBox({
    title: 'PASTA: how many files?',
    value: String(DEFAULT_NEXT),
    ignoreFocusOut: true,
    validateInput: (v) => (/^[1-9]\d*$/.test(v.trim()) ? undefined : 'A positive whole number'),
  });
  if (count === undefined) return undefined;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    for (const file of await nextUnannotatedFiles(folder.uri.fsPath, Number(count))) add(folder, file);
  }
  return byFolder;
}

export const preannotateWithLanguageModel: PastaCommand = {
  id: 'pasta.preannotate',
  async run(ctx, uriArg?: unknown, urisArg?: unknown): Promise<FileOutcome[] | undefined> {
    // Workspace settings choose where file contents are sent: only a trusted workspace may.
    if (!requireTrust('pre-annotation with a language model')) return undefined;
    const files = await targets(ctx, uriArg, urisArg);
    if (!files) return undefined;
    if ([...files.values()].every((f) => f.length === 0)) {
      void vscode.window.showInformationMessage(
        'PASTA: no file to pre-annotate: every text file has annotations or suggestions already, or the files are outside the workspace.',
      );
      return [];
    }
    const model = await chatModelFromSettings(ctx.extension.secrets);
    if (model === undefined) return undefined;
    if (typeof model === 'string') {
      void vscode.window.showErrorMessage(`PASTA: ${model}.`);
      return undefined;
    }
    const total = [...files.values()].reduce((n, f) => n + f.length, 0);
    const outcomes: FileOutcome[] = [];
    let usage: Usage = { ...NO_USAGE };
    let stopped: string | undefined;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `PASTA: pre-annotating with ${model.description}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const listener = token.onCancellationRequested(() => controller.abort(new vscode.CancellationError()));
        try {
          for (const [folder, relativeFiles] of files) {
            if (relativeFiles.length === 0 || stopped || token.isCancellationRequested) continue;
            const labels = await ctx.annotations.labels(folder);
            const run = await preannotateFiles(folder.uri.fsPath, relativeFiles, model, labels, {
              signal: controller.signal,
              onFile: ({ file, outcome }) => {
                if (!outcome) progress.report({ message: `${outcomes.length + 1} of ${total}: ${file} (${describeUsage(usage)})` });
                else {
                  outcomes.push(outcome);
                  progress.report({ increment: 100 / total });
                }
              },
            });
            usage = addUsage(usage, run.usage);
            stopped = run.stopped;
          }
        } catch (error) {
          if (!(error instanceof vscode.CancellationError)) throw error;
        } finally {
          listener.dispose();
        }
      },
    );
    const suggested = outcomes.filter((o) => o.status === 'suggested');
    const failed = outcomes.filter((o) => o.status === 'failed');
    for (const o of failed) ctx.log.warn(`pre-annotation: ${o.file}: ${o.status === 'failed' ? o.reason : ''}`);
    const summary = `Suggestions for ${suggested.length} of ${total} file${total === 1 ? '' : 's'} (${describeUsage(usage)}).`;
    if (stopped) void vscode.window.showErrorMessage(`PASTA: stopped: ${stopped}. ${summary} Run it again to continue.`);
    else if (failed.length > 0)
      void vscode.window.showWarningMessage(
        `PASTA: ${failed[0].file}: ${failed[0].status === 'failed' ? failed[0].reason : ''}${failed.length > 1 ? ` (and ${failed.length - 1} more, see the PASTA log)` : ''}. ${summary}`,
      );
    else void vscode.window.showInformationMessage(`PASTA: ${summary} Accept or reject them in the review panel.`);
    const first = suggested[0];
    const folder = first && [...files.keys()].find((f) => files.get(f)!.includes(first.file));
    if (first && folder) await predictionsOf(ctx).panel.open(vscode.Uri.joinPath(folder.uri, first.file));
    return outcomes;
  },
};
