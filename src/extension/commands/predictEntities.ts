import * as vscode from 'vscode';
import { predictionsOf } from '../predictions/predictionsFeature.js';
import { requireTrust } from '../trust.js';
import type { PastaCommand } from './context.js';

/** Opens the predictions review panel for the active editor's file (or the file passed) and highlights its predictions in the editor. */
export const predictEntities: PastaCommand = {
  id: 'pasta.predictEntities',
  async run(ctx, uriArg?: unknown): Promise<boolean> {
    if (!requireTrust('prediction')) return false;
    const uri = uriArg instanceof vscode.Uri ? uriArg : vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showErrorMessage('PASTA: open a text file to predict its entities.');
      return false;
    }
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (document?.isDirty) {
      void vscode.window.showWarningMessage(
        `PASTA: ${vscode.workspace.asRelativePath(uri)} has unsaved changes; predictions and annotations use the saved file.`,
      );
    }
    const predictions = predictionsOf(ctx);
    // The editor shows what the panel lists: highlighting with the model goes on with it.
    if (!predictions.highlighting.enabled) await predictions.highlighting.setEnabled(true);
    return predictions.panel.open(uri);
  },
};
