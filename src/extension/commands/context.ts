// What every command receives: the extension's long-lived parts.
import type * as vscode from 'vscode';
import type { AdaptersTreeProvider } from '../adaptersTree.js';
import type { AnnotatePanels } from '../annotate/annotatePanels.js';
import type { AnnotationService } from '../annotationService.js';
import type { EntityDecorations } from '../decorations.js';
import type { PastaStatusBar } from '../statusBar.js';

export interface PastaContext {
  extension: vscode.ExtensionContext;
  annotations: AnnotationService;
  decorations: EntityDecorations;
  statusBar: PastaStatusBar;
  tree: AdaptersTreeProvider;
  panels: AnnotatePanels;
  log: vscode.LogOutputChannel;
}

export interface PastaCommand {
  /** The command id, as contributed in package.json. */
  id: string;
  run(ctx: PastaContext, ...args: unknown[]): unknown;
}
