import * as vscode from 'vscode';
import { withoutSpansAt } from '../annotate/spanEdits.js';
import type { PastaCommand } from './context.js';
import { editorTarget } from './editorTarget.js';

/** Removes the entities under the cursor or touching the selection. */
export const removeEntity: PastaCommand = {
  id: 'pasta.removeEntity',
  async run(ctx): Promise<number> {
    const target = await editorTarget(ctx);
    if (!target) return 0;
    const { editor, file, text, spans } = target;
    const kept = withoutSpansAt(spans, editor.document.offsetAt(editor.selection.start), editor.document.offsetAt(editor.selection.end));
    const removed = spans.length - kept.length;
    if (removed === 0) {
      void vscode.window.setStatusBarMessage('PASTA: no entity here', 3000);
      return 0;
    }
    try {
      await ctx.annotations.save(file, editor.document.uri, text, kept);
    } catch (err) {
      void vscode.window.showErrorMessage(`PASTA: ${(err as Error).message}`);
      return 0;
    }
    return removed;
  },
};
