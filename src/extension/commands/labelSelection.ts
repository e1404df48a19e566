import * as vscode from 'vscode';
import type { Span } from '../../core/data/types.js';
import { withSpan } from '../annotate/spanEdits.js';
import { snapToWords } from '../../core/data/wordSnap.js';
import type { PastaCommand } from './context.js';
import { editorTarget } from './editorTarget.js';

/** Labels the editor's selection (snapped to whole words); the label is asked for unless passed. */
export const labelSelection: PastaCommand = {
  id: 'pasta.labelSelection',
  async run(ctx, labelArg?: unknown): Promise<Span | undefined> {
    const target = await editorTarget(ctx);
    if (!target) return undefined;
    const { editor, file, text, spans } = target;
    const selection = editor.selection;
    const snapped = snapToWords(text, editor.document.offsetAt(selection.start), editor.document.offsetAt(selection.end));
    if (!snapped) {
      void vscode.window.showErrorMessage('PASTA: select a word or phrase to label.');
      return undefined;
    }
    const labels = await ctx.annotations.labels(file.folder);
    let label: string | undefined;
    if (typeof labelArg === 'string') {
      if (!labels.some((l) => l.name === labelArg)) {
        void vscode.window.showErrorMessage(`PASTA: unknown label "${labelArg}"; the labels are ${labels.map((l) => l.name).join(', ')}.`);
        return undefined;
      }
      label = labelArg;
    } else {
      const pick = await vscode.window.showQuickPick(
        labels.map((l) => ({ label: l.name, description: `key ${l.key}` })),
        { title: `PASTA: label "${text.slice(snapped.start, snapped.end).slice(0, 60)}"`, placeHolder: 'Entity label', ignoreFocusOut: true },
      );
      label = pick?.label;
    }
    if (!label) return undefined;
    const span = { ...snapped, label };
    try {
      await ctx.annotations.save(file, editor.document.uri, text, withSpan(spans, span));
    } catch (err) {
      void vscode.window.showErrorMessage(`PASTA: ${(err as Error).message}`);
      return undefined;
    }
    return span;
  },
};
