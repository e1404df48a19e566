// What every command receives: the extension's long-lived parts.
import type * as vscode from 'vscode';
import type { AdaptersTreeProvider } from '../adaptersTree.js';
import type { AnnotatePanels } from '../annotate/annotatePanels.js';
import type { AnnotationService } from '../annotationService.js';
import type { TrainingDashboard } from '../dashboard/trainingDashboard.js';
import type { EntityDecorations } from '../decorations.js';
import type { PastaStatusBar } from '../statusBar.js';
import type { TrainingRuns } from '../training/trainingRuns.js';

export interface PastaContext {
  extension: vscode.ExtensionContext;
  annotations: AnnotationService;
  decorations: EntityDecorations;
  statusBar: PastaStatusBar;
  tree: AdaptersTreeProvider;
  panels: AnnotatePanels;
  log: vscode.LogOutputChannel;
  /** The training run of this window (worker process) and the dashboard that follows it. */
  training: TrainingRuns;
  dashboard: TrainingDashboard;
}

export interface PastaCommand {
  /** The command id, as contributed in package.json. */
  id: string;
  run(ctx: PastaContext, ...args: unknown[]): unknown;
}
