// The annotatable file behind the active editor, with its text and current spans, or a reason shown to the person.
import * as vscode from 'vscode';
import type { Span } from '../../core/data/types.js';
import type { WorkspaceFile } from '../annotationService.js';
import type { PastaContext } from './context.js';

export interface EditorTarget {
  editor: vscode.TextEditor;
  file: WorkspaceFile;
  text: string;
  spans: Span[];
}

export async function editorTarget(ctx: PastaContext): Promise<EditorTarget | undefined> {
  const editor = vscode.window.activeTextEditor;
  const fail = (message: string) => {
    void vscode.window.showErrorMessage(`PASTA: ${message}`);
    return undefined;
  };
  if (!editor) return fail('open a text file and select the entity first.');
  const file = ctx.annotations.locate(editor.document.uri);
  if (!file) return fail('only files inside a workspace folder can be annotated.');
  // Offsets are stored against the file on disk; an unsaved buffer would shift them.
  if (editor.document.isDirty) return fail(`save ${file.relativePath} before labelling: annotations are anchored to the saved text.`);
  const text = editor.document.getText();
  try {
    const state = await ctx.annotations.load(file, text);
    if (state.status === 'stale') {
      void vscode.window
        .showWarningMessage(`PASTA: ${file.relativePath}: ${state.problem}.`, 'Open Annotation Editor')
        .then((c) => c && vscode.commands.executeCommand('pasta.annotateCurrentFile', editor.document.uri));
      return undefined;
    }
    return { editor, file, text, spans: state.status === 'fresh' ? state.spans : [] };
  } catch (err) {
    return fail((err as Error).message);
  }
}
