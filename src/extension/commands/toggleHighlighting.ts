import * as vscode from 'vscode';
import type { PastaCommand } from './context.js';

export const toggleHighlighting: PastaCommand = {
  id: 'pasta.toggleHighlighting',
  run(ctx): boolean {
    const enabled = ctx.decorations.toggle();
    void vscode.window.setStatusBarMessage(`PASTA: entity highlighting ${enabled ? 'on' : 'off'}`, 3000);
    return enabled;
  },
};
