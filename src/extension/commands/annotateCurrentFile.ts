import * as vscode from 'vscode';
import type { PastaCommand } from './context.js';

export const annotateCurrentFile: PastaCommand = {
  id: 'pasta.annotateCurrentFile',
  async run(ctx, uriArg?: unknown): Promise<boolean> {
    const uri = uriArg instanceof vscode.Uri ? uriArg : vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showErrorMessage('PASTA: open a text file to annotate it.');
      return false;
    }
    const file = ctx.annotations.locate(uri);
    if (!file) {
      void vscode.window.showErrorMessage(`PASTA: ${uri.fsPath || uri.toString()} is not inside a workspace folder; only workspace files can be annotated.`);
      return false;
    }
    await ctx.panels.open(uri);
    return true;
  },
};
