import * as vscode from 'vscode';

/**
 * Calls `changed` whenever the document of `uri()` (undefined: none followed now) is edited, saved, reverted or
 * reloaded after a change on disk. The listener compares texts itself: a change event's isDirty can lag behind.
 */
export function followDocument(uri: () => vscode.Uri | undefined, changed: (document: vscode.TextDocument) => void): vscode.Disposable {
  const followed = (document: vscode.TextDocument) => document.uri.toString() === uri()?.toString();
  return vscode.Disposable.from(
    vscode.workspace.onDidSaveTextDocument((document) => followed(document) && changed(document)),
    vscode.workspace.onDidChangeTextDocument(({ document }) => followed(document) && changed(document)),
  );
}
