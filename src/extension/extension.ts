// Entry point: builds the extension's long-lived parts and registers commands, views and the panel serializer.
import * as vscode from 'vscode';
import { AdaptersTreeProvider } from './adaptersTree.js';
import { AnnotatePanels } from './annotate/annotatePanels.js';
import { AnnotationService } from './annotationService.js';
import { registerCommands } from './commands/index.js';
import type { PastaContext } from './commands/context.js';
import { EntityDecorations } from './decorations.js';
import { PredictionsFeature } from './predictions/predictionsFeature.js';
import { PastaStatusBar } from './statusBar.js';
import { TrainingDashboard } from './dashboard/trainingDashboard.js';
import { TrainingRuns } from './training/trainingRuns.js';

/** What activate() returns, for tests and for other extensions. */
export interface PastaApi {
  context: PastaContext;
}

export function activate(extension: vscode.ExtensionContext): PastaApi {
  const log = vscode.window.createOutputChannel('PASTA', { log: true });
  const annotations = new AnnotationService();
  const decorations = new EntityDecorations(annotations);
  const statusBar = new PastaStatusBar(extension.workspaceState);
  const tree = new AdaptersTreeProvider(annotations);
  const panels = new AnnotatePanels(extension.extensionUri, annotations, log);
  const training = new TrainingRuns(extension, log);
  const dashboard = new TrainingDashboard(extension.extensionUri, training, log);
  const context: PastaContext = { extension, annotations, decorations, statusBar, tree, panels, log, training, dashboard };

  extension.subscriptions.push(
    log,
    annotations,
    decorations,
    statusBar,
    tree,
    panels,
    training,
    dashboard,
    vscode.window.registerTreeDataProvider('pasta.adapters', tree),
    ...registerCommands(context),
    new PredictionsFeature(context),
  );
  void decorations.refreshAll();
  log.info(`PASTA Studio activated (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'})`);
  return { context };
}

export function deactivate(): void {}
